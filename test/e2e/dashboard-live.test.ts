import type { Browser, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ApiClient, createApiClient, unwrap } from "../../client/api";
import {
  adminScopedKey,
  BROWSER_ZONE,
  launchBrowser,
  openDashboard,
  runnable,
  screenshot,
  watchedPage,
} from "./dashboard-page";
import { baseUrl, eventually } from "./helpers";

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** The next calls the fake Telegram gets for `chat` answer these (`/__control/script`, test/setup/fakes.ts). */
async function scriptTelegram(chat: string, replies: unknown[]) {
  const res = await fetch(`${inject("e2eTelegramControl")}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ to: chat, replies }),
  });
  expect(res.status).toBe(204);
}

/** Minutes since local midnight in `zone`. */
const minutesIntoDay = (zone: string) => {
  const [h, m] = new Date().toLocaleTimeString("en-GB", { timeZone: zone, hour12: false }).split(":").map(Number) as [
    number,
    number,
  ];
  return (h % 24) * 60 + m;
};

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

  it("lists a reminder that failed for good on its day with the provider's error, with a notice, and snoozes it from the agenda", async () => {
    // Telegram answers this chat as it does a user who blocked the bot (core.telegram.org/bots/api#making-requests:
    // `ok: false` with an error_code and a description), which no retry can help.
    const chat = String(7_100_000_000 + Math.floor(Math.random() * 100_000_000));
    await scriptTelegram(chat, [
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
    ]);
    const { page, problems } = await openDashboard(browser, { key });
    const task = await unwrap(
      rest.tasks.$post({ json: { title: `blocked ${crypto.randomUUID()}`, due_time: inMinutes(30) } }),
    );
    const reminder = await unwrap(
      rest.reminders.$post({
        json: {
          task_id: task.id,
          channel: "telegram",
          recipient: chat,
          remind_at: new Date(Date.now() + 2000).toISOString(),
        },
      }),
    );
    const notice = page.locator(`#notices li:has-text('${task.title}')`);
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain(`Reminder failed: ${task.title}`);
    expect(await notice.textContent()).toContain("bot was blocked by the user");
    const row = page.locator(`#agenda li[data-id="${reminder.id}"]`);
    await row.filter({ hasText: "failed" }).waitFor();
    expect(await row.locator(".meta").textContent()).toBe(
      "telegram · failed · HTTP 403: Forbidden: bot was blocked by the user",
    );
    await screenshot(page, "agenda-failed-reminder");
    await row.locator("button:has-text('Snooze 1 h')").click();
    await eventually(
      async () => (await unwrap(rest.reminders[":id"].$get({ param: { id: reminder.id } }))).status === "scheduled",
      3000,
      "the failed reminder snoozed",
    );
    const snoozed = await unwrap(rest.reminders[":id"].$get({ param: { id: reminder.id } }));
    expect(Date.parse(snoozed.remind_at)).toBeGreaterThan(Date.now() + 59 * 60_000);
    // Snoozed, it waits on the agenda again like any scheduled reminder.
    await row.filter({ hasText: "telegram · scheduled" }).waitFor();
    expect(await row.locator("button:has-text('Snooze 1 h')").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists a reminder the scan reached too late as missed, with a notice whose Done completes the task", async () => {
    // A missed reminder stands on the day it was due: the browser's zone is one where that is today.
    const zone = minutesIntoDay(BROWSER_ZONE) > 10 ? BROWSER_ZONE : "America/New_York";
    const { page, problems } = await openDashboard(browser, { key, zone });
    const task = await unwrap(
      rest.tasks.$post({ json: { title: `too late ${crypto.randomUUID()}`, due_time: inMinutes(60) } }),
    );
    // Due 3 minutes ago: past the e2e Worker's missed window (REMINDER_MISSED_AFTER_S=120, test/setup/wrangler-dev.ts).
    const reminder = await unwrap(
      rest.reminders.$post({ json: { task_id: task.id, channel: "ui", remind_at: inMinutes(-3) } }),
    );
    const notice = page.locator(`#notices li:has-text('${task.title}')`);
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain(`Reminder missed: ${task.title} (missed:`);
    const row = page.locator(`#agenda li[data-id="${reminder.id}"]`);
    await row.filter({ hasText: "ui · missed" }).waitFor();
    expect(await row.locator("button").allTextContents()).toEqual(["Snooze 1 h", "Done"]);
    expect((await unwrap(rest.reminders[":id"].$get({ param: { id: reminder.id } }))).status).toBe("missed");
    await notice.locator("button:has-text('Done')").click();
    await notice.waitFor({ state: "detached" });
    expect((await unwrap(rest.tasks[":id"].$get({ param: { id: task.id } }))).status).toBe("completed");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows offline when the room's socket drops, reconnects by itself, and catches up on what it missed, without a reload", async () => {
    const { page, problems } = await watchedPage(browser);
    // The room's socket goes through the test: passed to the Worker, or refused while the "network" is down.
    let down = false;
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/parties\/main\//, (ws) => {
      if (down) return void ws.close({ code: 1012, reason: "test: the network is down" });
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.addInitScript((key) => localStorage.setItem("openclaw-sync.api-key", key), key);
    await page.goto(`${baseUrl()}/`);
    await page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
    // The list's own GET must have answered before the task below is written: on a busy machine a
    // GET still in flight ran its query after that write and listed the task without the room.
    const listed = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/tasks" && response.request().method() === "GET",
    );
    await page.click("nav button:has-text('Tasks')");
    await page.waitForSelector("#tasks-heading");
    await listed;
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    down = true;
    await Promise.all(sockets.splice(0).map((ws) => ws.close({ code: 1012, reason: "test: the network drops" })));
    await page.waitForSelector('#status[data-status="offline"]', { timeout: 5000 });
    const missed = await unwrap(rest.tasks.$post({ json: { title: `while offline ${crypto.randomUUID()}` } }));
    const row = `#tasks li[data-id="${missed.id}"]`;
    await page.waitForTimeout(1000);
    expect(await page.locator(row).count()).toBe(0);

    down = false;
    // partysocket retries with a growing delay, at most 10 s (client/sync-client.ts).
    await page.waitForSelector('#status[data-status="live"]', { timeout: 15_000 });
    await page.waitForSelector(row, { timeout: 5000 });
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // Live again: the next change arrives over the new socket.
    const after = await unwrap(rest.tasks.$post({ json: { title: `back online ${crypto.randomUUID()}` } }));
    await page.waitForSelector(`#tasks li[data-id="${after.id}"]`, { timeout: 3000 });
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
