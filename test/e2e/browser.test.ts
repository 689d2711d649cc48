import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../client/api";
import {
  accessibilityProblems,
  launchBrowser,
  openDashboard,
  runnable,
  screenshot,
  watchedPage,
} from "./dashboard-page";
import { adminKey, api, baseUrl, eventually } from "./helpers";

const stored = (page: Page) =>
  page.evaluate(() => ({
    session: sessionStorage.getItem("openclaw-sync.api-key"),
    local: localStorage.getItem("openclaw-sync.api-key"),
  }));

describe.skipIf(!runnable)("the dashboard in a headless browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads with no CSP violation, nothing from another origin, no error, and a favicon", async () => {
    const { page, problems, violations, foreign } = await openDashboard(browser);
    await page.waitForSelector("#agenda-heading");
    const icons: [string, string][] = [
      ["/favicon.svg", "svg"],
      ["/favicon.ico", "icon"],
    ];
    for (const [path, type] of icons) {
      const icon = await page.evaluate(
        (path) => fetch(path).then((r) => [r.status, r.headers.get("content-type")]),
        path,
      );
      expect(icon, path).toEqual([200, expect.stringContaining(type)]);
    }
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("refuses a wrong key with where keys come from, then signs in with a right one for this tab only", async () => {
    const { page, problems, violations } = await watchedPage(browser, { expected: [401] });
    await page.goto(`${baseUrl()}/`);
    await page.fill("#api-key", "osk_this-key-does-not-exist");
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector("#message:has-text('does not know this key')", { timeout: 5000 });
    expect(await page.textContent("main")).toContain("npm run key:create");
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, "sign-in");
    expect(await stored(page)).toEqual({ session: null, local: null });

    await page.fill("#api-key", adminKey());
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
    expect(await stored(page)).toEqual({ session: adminKey(), local: null });
    await page.click("#sign-out");
    await page.waitForSelector("#key-form");
    expect(await stored(page)).toEqual({ session: null, local: null });
    expect(violations).toEqual([]);
    expect(problems.filter((p) => !p.startsWith("401"))).toEqual([]);
    await page.close();
  });

  it("keeps the key in localStorage only when 'Remember on this device' is ticked", async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${baseUrl()}/`);
    await page.fill("#api-key", adminKey());
    await page.check("#remember");
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
    expect(await stored(page)).toEqual({ session: null, local: adminKey() });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("tells a key without the dashboard's scopes apart from a wrong one", async () => {
    const key = await unwrap(api()["api-keys"].$post({ json: { name: "tasks only", scopes: ["tasks:read"] } }));
    const { page } = await watchedPage(browser, { expected: [403] });
    await page.goto(`${baseUrl()}/`);
    await page.fill("#api-key", key.key!);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector("#message:has-text('lacks a scope')", { timeout: 5000 });
    await page.close();
  });

  it("offers the Keys and Webhooks views to admin credentials only, asking GET /me who the key is", async () => {
    const scopes = ["tasks:read", "tasks:write", "reminders:read", "reminders:write"] as const;
    const name = `no admin ${crypto.randomUUID().slice(0, 8)}`;
    const key = await unwrap(api()["api-keys"].$post({ json: { name, scopes: [...scopes] } }));
    // No admin route is tried to find out, so not one request is refused.
    const plain = await openDashboard(browser, { key: key.key! });
    await plain.page.waitForSelector("#agenda-heading");
    expect(await plain.page.locator("nav button").allTextContents()).toEqual(["Agenda", "Tasks"]);
    expect(await plain.page.textContent("#who")).toBe(name);
    expect(plain.problems).toEqual([]);
    await plain.page.close();

    const admin = await openDashboard(browser);
    await admin.page.waitForSelector("#agenda-heading");
    expect(await admin.page.locator("nav button").allTextContents()).toEqual(["Agenda", "Tasks", "Keys", "Webhooks"]);
    expect(await admin.page.textContent("#who")).toBe("ADMIN_TOKEN (admin)");
    expect(admin.problems).toEqual([]);
    await admin.page.close();
  });

  it("tells a key that may read but not write which scope a refused action needs (403)", async () => {
    const key = await unwrap(
      api()["api-keys"].$post({ json: { name: "read only", scopes: ["tasks:read", "reminders:read"] } }),
    );
    const task = await unwrap(api().tasks.$post({ json: { title: `read only ${crypto.randomUUID()}` } }));
    const { page, problems } = await openDashboard(browser, { key: key.key!, expected: [403] });
    await page.click("nav button:has-text('Tasks')");
    await page.click(`#tasks li[data-id="${task.id}"] input[type="checkbox"]`);
    const alert = page.locator("section[aria-labelledby='tasks-heading'] [role='alert']");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Not allowed with this key: .*'tasks:write'.* Ask an admin/);
    expect((await unwrap(api().tasks[":id"].$get({ param: { id: task.id } }))).status).toBe("pending");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the API docs at /docs from this origin alone, with no CSP violation", async () => {
    const { page, problems, violations, foreign } = await watchedPage(browser);
    await page.goto(`${baseUrl()}/docs`);
    await page.waitForSelector(".swagger-ui .info .title:has-text('OpenClaw Sync')", { timeout: 10_000 });
    await page.waitForSelector(".swagger-ui .opblock", { timeout: 5000 });
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a task created over REST without a reload, and completing it in the page changes it in the API", async () => {
    const { page, problems } = await openDashboard(browser);
    await page.click("nav button:has-text('Tasks')");
    await page.waitForSelector("#tasks-heading");
    const created = await unwrap(
      api().tasks.$post({ json: { title: `from REST ${crypto.randomUUID()}`, source: "telegram" } }),
    );
    const row = `#tasks li[data-id="${created.id}"]`;
    await page.waitForSelector(row, { timeout: 3000 });
    expect(await page.textContent(`${row} .title`)).toBe(created.title);

    await page.click(`${row} input[type="checkbox"]`);
    await eventually(
      async () => (await unwrap(api().tasks[":id"].$get({ param: { id: created.id } }))).status === "completed",
      3000,
      "the task completed in the API",
    );
    await page.waitForSelector(`${row}[data-status="completed"]`, { timeout: 3000 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("has no serious accessibility problem in any view, at 1280 px and at 390 px", async () => {
    for (const width of [1280, 390]) {
      const { page, problems } = await openDashboard(browser, { width });
      for (const [view, heading] of [
        ["Agenda", "#agenda-heading"],
        ["Tasks", "#tasks-heading"],
        ["Keys", "#keys-heading"],
      ] as const) {
        await page.click(`nav button:has-text('${view}')`);
        await page.waitForSelector(heading);
        await page.waitForTimeout(200);
        expect(await accessibilityProblems(page), `${view} at ${width} px`).toEqual([]);
        await screenshot(page, view.toLowerCase());
      }
      await page.keyboard.press("n");
      await page.waitForSelector("#editor[open]");
      expect(await accessibilityProblems(page), `the editor at ${width} px`).toEqual([]);
      await screenshot(page, "editor");
      await page.keyboard.press("Escape");
      await page.waitForSelector("#editor", { state: "detached" });
      // Runs in the page; the Node-side program has no DOM types.
      const overflow = await page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return document.documentElement.scrollWidth > innerWidth;
      });
      expect(overflow, `horizontal scrolling at ${width} px`).toBe(false);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("goes back to the sign-in screen, explaining why, when the API refuses the stored key", async () => {
    const { page } = await watchedPage(browser, { expected: [401] });
    await page.addInitScript(() => localStorage.setItem("openclaw-sync.api-key", "osk_revoked"));
    await page.route("**/changes", (route) =>
      route.fulfill({ status: 401, contentType: "application/problem+json", body: '{"status":401,"detail":"no key"}' }),
    );
    await page.goto(`${baseUrl()}/`);
    await page.waitForSelector("#message:has-text('does not know this key')", { timeout: 5000 });
    await page.close();
  });
});
