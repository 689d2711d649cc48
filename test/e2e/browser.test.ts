import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, unwrap } from "../../client/api";
import { adminKey, api, baseUrl, eventually } from "./helpers";

const CHROMIUM = "/usr/bin/chromium";
// CI installs Chromium (.ci/run); elsewhere the test says why it did not run instead of failing.
const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runnable) console.warn(`Skipping the browser test: ${CHROMIUM} is missing (apt-get install chromium).`);

describe.skipIf(!runnable)("the dashboard in a headless browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A fresh page (its own browser context, so its own storage) that records page errors, every
   * CSP violation (the event and the console's report of it) and every request to another origin.
   */
  async function watchedPage() {
    const page = await browser.newPage();
    const errors: string[] = [];
    const violations: string[] = [];
    const foreign: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(`${baseUrl()}/`) && !url.startsWith("data:")) foreign.push(url);
    });
    await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
    await page.addInitScript(() => {
      // Runs in the page; the Node-side program has no DOM types.
      const page = globalThis as unknown as { document: EventTarget; reportViolation(text: string): void };
      page.document.addEventListener("securitypolicyviolation", (event) => {
        const { violatedDirective, blockedURI } = event as Event & { violatedDirective: string; blockedURI: string };
        page.reportViolation(`${violatedDirective} blocked ${blockedURI || "inline"}`);
      });
    });
    return { page, errors, violations, foreign };
  }

  async function openDashboard() {
    const watched = await watchedPage();
    // A key remembered on this device, as the "remember" box leaves it.
    await watched.page.addInitScript((key) => localStorage.setItem("openclaw-sync.api-key", key), adminKey());
    await watched.page.goto(`${baseUrl()}/`);
    await watched.page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
    return watched;
  }

  it("loads the dashboard with no CSP violation and nothing from another origin", async () => {
    const { page, errors, violations, foreign } = await openDashboard();
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("keeps a pasted key in sessionStorage, and in localStorage only when 'Remember on this device' is ticked", async () => {
    const stored = (page: import("playwright-core").Page) =>
      page.evaluate(() => ({
        session: sessionStorage.getItem("openclaw-sync.api-key"),
        local: localStorage.getItem("openclaw-sync.api-key"),
      }));
    for (const remember of [false, true]) {
      const { page, violations } = await watchedPage();
      await page.goto(`${baseUrl()}/`);
      await page.fill("#api-key", adminKey());
      if (remember) await page.check("#remember");
      await page.click('#key-form button[type="submit"]');
      await page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
      expect(await stored(page), `remember: ${remember}`).toEqual(
        remember ? { session: null, local: adminKey() } : { session: adminKey(), local: null },
      );
      // Unticking forgets it on this device and keeps it for this tab.
      if (remember) {
        await page.uncheck("#remember");
        expect(await stored(page)).toEqual({ session: adminKey(), local: null });
      }
      expect(violations).toEqual([]);
      await page.close();
    }
  });

  it("shows the API docs at /docs from this origin alone, with no CSP violation", async () => {
    const { page, errors, violations, foreign } = await watchedPage();
    await page.goto(`${baseUrl()}/docs`);
    await page.waitForSelector(".swagger-ui .info .title:has-text('OpenClaw Sync')", { timeout: 10_000 });
    await page.waitForSelector(".swagger-ui .opblock", { timeout: 5000 });
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a task created over REST without a reload, and completing it in the page changes it in the API", async () => {
    const { page, errors } = await openDashboard();
    const created = await unwrap(
      api().tasks.$post({ json: { title: `from REST ${crypto.randomUUID()}`, source: "telegram" } }),
    );
    const row = `#tasks li[data-id="${created.id}"]`;
    await page.waitForSelector(row, { timeout: 2000 });
    expect(await page.textContent(`${row} .title`)).toBe(created.title);

    await page.click(`${row} input[type="checkbox"]`);
    await eventually(
      async () => (await unwrap(api().tasks[":id"].$get({ param: { id: created.id } }))).status === "completed",
      3000,
      "the task completed in the API",
    );
    await page.waitForSelector(`${row}[data-status="completed"]`, { timeout: 2000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("adds and deletes a task from the page, and shows changes made by another client", async () => {
    const { page, errors } = await openDashboard();
    const title = `from the page ${crypto.randomUUID()}`;
    await page.fill("#new-title", title);
    await page.click('#new-task button[type="submit"]');
    await page.waitForSelector(`#tasks li:has-text("${title}")`, { timeout: 2000 });
    const list = await unwrap(api().tasks.$get({ query: { source: "ui", limit: "200" } }));
    const task = list.items.find((t) => t.title === title);
    if (!task) throw new Error(`the task made in the page is not in the API: ${title}`);

    const param = { id: task.id };
    await unwrap(api().tasks[":id"].$patch({ param, json: { title: `${title} (renamed)` } }));
    await page.waitForSelector(`#tasks li[data-id="${task.id}"] .title:text-is("${title} (renamed)")`, {
      timeout: 2000,
    });
    await page.click(`#tasks li[data-id="${task.id}"] button`);
    const gone = () =>
      unwrap(api().tasks[":id"].$get({ param })).then(
        () => false,
        (err) => err instanceof ApiError && err.status === 404,
      );
    await eventually(gone, 3000, "the task deleted");
    await page.waitForSelector(`#tasks li[data-id="${task.id}"]`, { state: "detached", timeout: 2000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("asks for an API key when the API refuses the one it has", async () => {
    const page = await browser.newPage();
    await page.route("**/changes", (route) =>
      route.fulfill({ status: 401, contentType: "application/problem+json", body: '{"status":401,"detail":"no key"}' }),
    );
    await page.goto(`${baseUrl()}/`);
    await page.waitForSelector("#message:has-text('needs a key')", { timeout: 5000 });
    await page.close();
  });
});
