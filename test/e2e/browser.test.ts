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

  async function openDashboard() {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    await page.addInitScript((key) => localStorage.setItem("openclaw-sync.api-key", key), adminKey());
    await page.goto(`${baseUrl()}/`);
    await page.waitForSelector('#status[data-status="live"]', { timeout: 10_000 });
    return { page, errors };
  }

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
