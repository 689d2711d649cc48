import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient, unwrap } from "../../client/api";
import { adminScopedKey, launchBrowser, openDashboard, runnable, screenshot } from "./dashboard-page";
import { baseUrl, eventually } from "./helpers";

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe.skipIf(!runnable)("the agenda, reminders, notices and keys in the dashboard", () => {
  let browser: Browser;
  let key: string;
  let rest: ApiClient;
  beforeAll(async () => {
    browser = await launchBrowser();
    key = await adminScopedKey("e2e live");
    rest = createApiClient(baseUrl(), key);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists overdue tasks first, marked overdue, and shows a task's own zone when it differs", async () => {
    const late = await unwrap(
      rest.tasks.$post({ json: { title: `late ${crypto.randomUUID()}`, due_time: inMinutes(-60 * 30) } }),
    );
    const abroad = await unwrap(
      rest.tasks.$post({
        json: { title: `abroad ${crypto.randomUUID()}`, due_time: inMinutes(60 * 26), timezone: "America/New_York" },
      }),
    );
    const { page, problems } = await openDashboard(browser, { key });
    await page.waitForSelector(`#overdue li.overdue[data-id="${late.id}"]:has-text('overdue')`);
    const row = page.locator(`li[data-id="${abroad.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("America/New_York");
    const headings = await page.locator("#agenda h3").allTextContents();
    expect(headings[0]).toBe("Overdue");
    await screenshot(page, "agenda-with-tasks");
    // A change from another client reaches the agenda without a reload.
    await unwrap(rest.tasks[":id"].$patch({ param: { id: late.id }, json: { status: "completed" } }));
    await page.waitForSelector(`#overdue li[data-id="${late.id}"]`, { state: "detached" });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("adds a relative reminder to a task, shows where it stands in words, moves it and deletes it", async () => {
    const task = await unwrap(
      rest.tasks.$post({ json: { title: `with reminders ${crypto.randomUUID()}`, due_time: inMinutes(120) } }),
    );
    const { page, problems } = await openDashboard(browser, { key });
    await page.click("nav button:has-text('Tasks')");
    await page.click(`#tasks li[data-id="${task.id}"] .title`);
    await page.waitForSelector("#add-reminder");
    await page.selectOption("#reminder-before", "30");
    await page.selectOption("#reminder-channel", "ui");
    await page.click("#add-reminder button[type='submit']");
    const row = page.locator("#task-reminders li").first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(
      /30 min before.*ui · scheduled · next attempt in (1 hour|90 minutes|\d+ minutes)/,
    );
    const [reminder] = (await unwrap(rest.reminders.$get({ query: { task_id: task.id } }))).items;
    expect(reminder).toMatchObject({ offset_minutes: -30, channel: "ui", status: "scheduled" });

    // Not fired yet: it can be moved (a snooze would be refused with 409).
    await row.locator("button:has-text('Move')").click();
    await row.locator("input.move-to").fill(`${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T08:15`);
    await row.locator("button:has-text('Save')").click();
    await eventually(
      async () => (await unwrap(rest.reminders[":id"].$get({ param: { id: reminder!.id } }))).offset_minutes === null,
      3000,
      "the reminder moved to a time of its own",
    );
    await row.filter({ hasText: /8:15/ }).waitFor({ timeout: 5000 });
    await row.locator("button:has-text('Delete')").click();
    await row.locator("button:has-text('Yes, delete')").click();
    await page.waitForSelector("#task-reminders li", { state: "detached" });
    expect((await unwrap(rest.reminders.$get({ query: { task_id: task.id } }))).items).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a notice when a ui reminder fires, and snoozes it from the notice", async () => {
    const { page, problems } = await openDashboard(browser, { key });
    const task = await unwrap(
      rest.tasks.$post({ json: { title: `notice ${crypto.randomUUID()}`, due_time: inMinutes(30) } }),
    );
    const reminder = await unwrap(
      rest.reminders.$post({
        json: { task_id: task.id, channel: "ui", remind_at: new Date(Date.now() + 2000).toISOString() },
      }),
    );
    const notice = page.locator(`#notices li:has-text('${task.title}')`);
    await notice.waitFor({ timeout: 20_000 });
    await notice.locator("button:has-text('Snooze 10 min')").click();
    await notice.waitFor({ state: "detached" });
    const snoozed = await unwrap(rest.reminders[":id"].$get({ param: { id: reminder.id } }));
    expect(snoozed.status).toBe("scheduled");
    expect(Date.parse(snoozed.remind_at)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lets an admin create a key, shown once with a copy button, and revoke it", async () => {
    const { page, problems } = await openDashboard(browser, { key });
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
    await page.click("nav button:has-text('Keys')");
    const name = `bot ${crypto.randomUUID().slice(0, 8)}`;
    await page.fill("#key-name", name);
    await page.uncheck("#new-key input[value='tasks:write']");
    await page.click("#new-key button[type='submit']");
    const secret = (await page.locator("#new-secret code").textContent()) ?? "";
    expect(secret.length).toBeGreaterThan(20);
    await page.click("#new-secret button:has-text('Copy')");
    await page.waitForSelector("#new-secret button:has-text('Copied')");
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(secret);
    const created = (await unwrap(rest["api-keys"].$get())).items.find((k) => k.name === name);
    expect(created?.scopes).toEqual(["tasks:read", "reminders:read", "reminders:write"]);
    const row = page.locator(`#keys li[data-id="${created!.id}"]`);
    await row.locator("button:has-text('Revoke')").click();
    await row.locator("button:has-text('Yes, revoke')").click();
    await page.waitForSelector(`#keys li[data-id="${created!.id}"][data-revoked="true"]`);
    const refused = await createApiClient(baseUrl(), secret).tasks.$get({ query: {} });
    expect(refused.status).toBe(401);
    expect(problems).toEqual([]);
    await page.close();
  });
  it("shows an admin the webhook subscriptions, a disabled one with its reason, and their recent deliveries", async () => {
    const url = `https://hooks.example.com/${crypto.randomUUID().slice(0, 8)}`;
    const hook = await unwrap(rest.webhooks.$post({ json: { url, events: ["task.created"], enabled: false } }));
    const { page, problems } = await openDashboard(browser, { key });
    await page.click("nav button:has-text('Webhooks')");
    const row = page.locator(`#webhooks li[data-id="${hook.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-enabled")).toBe("false");
    expect(await row.locator(".title").textContent()).toBe(url);
    expect(await row.locator(".meta").textContent()).toContain("task.created");
    await row.locator("button:has-text('Recent deliveries')").click();
    await row.locator(".deliveries li:has-text('None yet.')").waitFor();
    expect(await row.locator("button[aria-expanded='true']").count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
