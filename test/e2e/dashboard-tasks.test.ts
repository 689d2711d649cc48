import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient, type Task, unwrap } from "../../client/api";
import { adminScopedKey, launchBrowser, openDashboard, runnable, screenshot } from "./dashboard-page";
import { baseUrl, eventually } from "./helpers";

/** Tomorrow at 09:00 on the browser's wall clock (Europe/Berlin), as a datetime-local value. */
function tomorrowAtNine() {
  const at = new Date(Date.now() + 86_400_000);
  return `${at.toISOString().slice(0, 10)}T09:00`;
}

describe.skipIf(!runnable)("tasks in the dashboard", () => {
  let browser: Browser;
  let key: string;
  let rest: ApiClient;
  beforeAll(async () => {
    browser = await launchBrowser();
    key = await adminScopedKey("e2e tasks");
    rest = createApiClient(baseUrl(), key);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const taskNamed = async (title: string): Promise<Task> => {
    const found = (await unwrap(rest.tasks.$get({ query: { q: title } }))).items.find((t) => t.title === title);
    if (!found) throw new Error(`no task named ${title}`);
    return found;
  };

  async function openTasks(expected: number[] = []) {
    const watched = await openDashboard(browser, { key, expected });
    await watched.page.click("nav button:has-text('Tasks')");
    await watched.page.waitForSelector("#tasks-heading");
    return watched;
  }

  async function fillEditor(page: Page, fields: { title?: string; due?: string; zone?: string; repeat?: string }) {
    if (fields.title !== undefined) await page.fill("#edit-title", fields.title);
    if (fields.due !== undefined) {
      await page.check('input[name="due"][value="time"]');
      await page.fill("#edit-due", fields.due);
    }
    if (fields.zone !== undefined) await page.fill("#edit-zone", fields.zone);
    if (fields.repeat !== undefined) await page.selectOption("#edit-repeat", fields.repeat);
  }

  it("creates a task with a due and a recurrence from the keyboard, edits it, and completing it advances it", async () => {
    const { page, problems } = await openTasks();
    const title = `weekday standup ${crypto.randomUUID()}`;
    await page.keyboard.press("n");
    await page.waitForSelector("#editor[open]");
    await fillEditor(page, { title, due: tomorrowAtNine(), repeat: "weekdays" });
    expect(await page.textContent("#edit-summary")).toBe("every weekday at 09:00");
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    const created = await taskNamed(title);
    expect(created).toMatchObject({
      timezone: "Europe/Berlin",
      rrule: expect.stringContaining("BYDAY=MO,TU,WE,TH,FR"),
    });
    await page.waitForSelector(`#tasks li[data-id="${created.id}"]`);

    await page.click(`#tasks li[data-id="${created.id}"] .title`);
    await page.waitForSelector("#editor[open]");
    await expect.poll(() => page.inputValue("#edit-title")).not.toBe("");
    await fillEditor(page, { title: `${title} (daily)`, repeat: "daily" });
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    const edited = await unwrap(rest.tasks[":id"].$get({ param: { id: created.id } }));
    expect(edited).toMatchObject({
      title: `${title} (daily)`,
      rrule: expect.stringContaining("FREQ=DAILY"),
      version: 2,
    });

    await page.click(`#tasks li[data-id="${created.id}"] input[type="checkbox"]`);
    await eventually(
      async () => (await unwrap(rest.tasks[":id"].$get({ param: { id: created.id } }))).occurrence === 2,
      3000,
      "the series advanced",
    );
    const advanced = await unwrap(rest.tasks[":id"].$get({ param: { id: created.id } }));
    expect(advanced.status).toBe("pending");
    expect(Date.parse(advanced.due_time!) - Date.parse(edited.due_time!)).toBe(86_400_000);
    await page.waitForSelector(`#tasks li[data-id="${created.id}"][data-status="pending"] input:not(:checked)`);
    await page.click(`#tasks li[data-id="${created.id}"] .title`);
    await page.waitForSelector("#completions li:has-text('occurrence 1')");
    await screenshot(page, "editor-with-history");
    await page.keyboard.press("Escape");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("filters by status, searches titles from '/', and pages with Load more", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    for (let i = 0; i < 23; i++) {
      await unwrap(rest.tasks.$post({ json: { title: `Paging ${tag} #${i}`, source: "whatsapp" } }));
    }
    const done = await unwrap(rest.tasks.$post({ json: { title: `Finished ${tag}`, status: "completed" } }));
    const { page, problems } = await openTasks();
    await page.keyboard.press("/");
    await expect.poll(() => page.evaluate("document.activeElement.id")).toBe("search");
    await page.keyboard.type(`paging ${tag.toUpperCase()}`);
    const titles = () => page.locator("#tasks li .title").allTextContents();
    await expect.poll(async () => (await titles()).filter((t) => t.includes(`Paging ${tag}`)).length).toBe(20);
    expect(await titles()).toHaveLength(20);
    await page.click("#more");
    await expect.poll(() => page.locator("#tasks li").count()).toBe(23);
    await page.waitForSelector("#more", { state: "detached" });

    await page.fill("#search", tag);
    await page.selectOption("#filter-status", "completed");
    await page.waitForSelector(`#tasks li[data-id="${done.id}"]`);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(1);
    await page.selectOption("#filter-status", "");
    await page.selectOption("#filter-source", "whatsapp");
    await expect.poll(() => page.locator("#tasks li").count()).toBe(20);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("filters by label (ignoring case) and by project, and shows each task's labels", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const project = await unwrap(rest.projects.$post({ json: { name: `Garden ${tag}` } }));
    const filed = await unwrap(
      rest.tasks.$post({ json: { title: `Filed ${tag}`, labels: [`Tag-${tag}`], project_id: project.id } }),
    );
    const labelled = await unwrap(rest.tasks.$post({ json: { title: `Labelled ${tag}`, labels: [`tag-${tag}`] } }));
    const { page, problems } = await openTasks();
    await page.fill("#filter-label", `TAG-${tag}`);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(2);
    await expect
      .poll(() => page.locator(`#tasks li[data-id="${filed.id}"] .label`).allTextContents())
      .toEqual([`Tag-${tag}`]);
    await page.selectOption("#filter-project", project.id);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(1);
    await page.waitForSelector(`#tasks li[data-id="${filed.id}"]`);
    await page.selectOption("#filter-project", "none");
    await page.waitForSelector(`#tasks li[data-id="${labelled.id}"]`);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows 'changed elsewhere' when the task changed over REST while it was open, then reloads or overwrites", async () => {
    const task = await unwrap(rest.tasks.$post({ json: { title: `contested ${crypto.randomUUID()}` } }));
    const { page, problems } = await openTasks([412]);
    await page.click(`#tasks li[data-id="${task.id}"] .title`);
    await expect.poll(() => page.inputValue("#edit-title")).not.toBe("");
    await unwrap(rest.tasks[":id"].$patch({ param: { id: task.id }, json: { title: `${task.title} (REST)` } }));

    await fillEditor(page, { title: `${task.title} (page)` });
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#conflict:has-text('changed elsewhere: reload or overwrite')");
    await page.click("#conflict button:has-text('Reload')");
    await expect.poll(() => page.inputValue("#edit-title")).toBe(`${task.title} (REST)`);

    await unwrap(rest.tasks[":id"].$patch({ param: { id: task.id }, json: { title: `${task.title} (REST again)` } }));
    await fillEditor(page, { title: `${task.title} (page wins)` });
    await page.click('#editor button[type="submit"]');
    await page.click("#conflict button:has-text('Overwrite')");
    await page.waitForSelector("#editor", { state: "detached" });
    expect((await unwrap(rest.tasks[":id"].$get({ param: { id: task.id } }))).title).toBe(`${task.title} (page wins)`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("sends a custom RRULE for the API to judge, and shows why it refused one", async () => {
    const { page, problems } = await openTasks([422]);
    const title = `custom rule ${crypto.randomUUID()}`;
    await page.click("button.new");
    await fillEditor(page, { title, due: tomorrowAtNine(), repeat: "custom" });
    await page.fill("#edit-rule", "FREQ=SOMETIMES");
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor [role='alert']:has-text('rrule')");
    await page.fill("#edit-rule", "FREQ=WEEKLY;BYDAY=MO,WE");
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    expect((await taskNamed(title)).rrule).toContain("BYDAY=MO,WE");
    expect(problems).toEqual([]);
    await page.close();
  });

  /** The undo window the dashboard promises (issue #19: "Task deleted — Undo" for about 8 s). */
  const UNDO_WINDOW_MS = 8000;

  it("hides a deleted task at once, brings it back on Undo, and sends the DELETE only once the undo window has passed", async () => {
    const task = await unwrap(rest.tasks.$post({ json: { title: `doomed ${crypto.randomUUID()}` } }));
    const row = `#tasks li[data-id="${task.id}"]`;
    const elsewhere = await openTasks();
    await elsewhere.page.waitForSelector(row);
    const { page, problems } = await openTasks();
    await page.click(`${row} button:text-is('Delete')`);
    await page.waitForSelector(row, { state: "detached" });
    await page.waitForSelector(`#undo:has-text('Task deleted: “${task.title}”')`);
    // Nothing was sent: the API and the other dashboard still have it.
    expect((await rest.tasks[":id"].$get({ param: { id: task.id } })).status).toBe(200);
    await page.click("#undo button:has-text('Undo')");
    await page.waitForSelector(row);
    await page.waitForSelector("#undo button", { state: "detached" });
    await page.waitForTimeout(UNDO_WINDOW_MS + 1000);
    expect((await rest.tasks[":id"].$get({ param: { id: task.id } })).status).toBe(200);
    expect(await elsewhere.page.locator(row).count()).toBe(1);

    const deletedAt = Date.now();
    await page.click(`${row} button:text-is('Delete')`);
    await elsewhere.page.waitForSelector(row, { state: "detached", timeout: UNDO_WINDOW_MS + 5000 });
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(UNDO_WINDOW_MS - 500);
    expect((await rest.tasks[":id"].$get({ param: { id: task.id } })).status).toBe(404);
    await page.waitForSelector("#undo button", { state: "detached" });
    expect(await page.locator(row).count()).toBe(0);
    expect(problems).toEqual([]);
    expect(elsewhere.problems).toEqual([]);
    await page.close();
    await elsewhere.page.close();
  });

  it("does not delete a task that changed elsewhere during the undo window, and says so", async () => {
    const task = await unwrap(rest.tasks.$post({ json: { title: `contested delete ${crypto.randomUUID()}` } }));
    const row = `#tasks li[data-id="${task.id}"]`;
    const { page, problems } = await openTasks([412]);
    await page.click(`${row} button:text-is('Delete')`);
    await page.waitForSelector(row, { state: "detached" });
    await unwrap(rest.tasks[":id"].$patch({ param: { id: task.id }, json: { title: `${task.title} (kept)` } }));
    await page.waitForSelector("#undo:has-text('was changed elsewhere, so it was not deleted')", {
      timeout: UNDO_WINDOW_MS + 5000,
    });
    await page.waitForSelector(`${row}:has-text('(kept)')`);
    expect((await rest.tasks[":id"].$get({ param: { id: task.id } })).status).toBe(200);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("sends a pending deletion when the page goes away during the undo window", async () => {
    const task = await unwrap(rest.tasks.$post({ json: { title: `left behind ${crypto.randomUUID()}` } }));
    const { page, problems } = await openTasks();
    await page.click(`#tasks li[data-id="${task.id}"] button:text-is('Delete')`);
    await page.waitForSelector("#undo button:has-text('Undo')");
    const leftAt = Date.now();
    // Away to another page of the origin (about:blank would refuse the harness's localStorage script).
    await page.goto(`${baseUrl()}/health`);
    await eventually(
      async () => ((await rest.tasks[":id"].$get({ param: { id: task.id } })).status as number) === 404,
      3000,
      "the DELETE sent as the page went away",
    );
    expect(Date.now() - leftAt).toBeLessThan(UNDO_WINDOW_MS);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("sets labels (comma-separated, shown as chips) and a project in the editor; the list and its filters see them", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const project = await unwrap(rest.projects.$post({ json: { name: `Home ${tag}` } }));
    const { page, problems } = await openTasks();
    const title = `labelled in the editor ${tag}`;
    await page.keyboard.press("n");
    await page.waitForSelector("#editor[open]");
    await fillEditor(page, { title });
    // Spellings that differ only in case are one label, as the API keeps them.
    await page.fill("#edit-labels", `Errands-${tag}, garden-${tag}, errands-${tag},`);
    await expect
      .poll(() => page.locator("#editor .chips li").allTextContents())
      .toEqual([`Errands-${tag} ×`, `garden-${tag} ×`]);
    await page.click(`#editor .chips button[aria-label="Remove label garden-${tag}"]`);
    expect(await page.inputValue("#edit-labels")).toBe(`Errands-${tag}`);
    await page.fill("#edit-labels", `Errands-${tag}, Shed-${tag}`);
    await page.waitForSelector(`#edit-project option[value="${project.id}"]`, { state: "attached" });
    await page.selectOption("#edit-project", project.id);
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    const created = await taskNamed(title);
    expect(created).toMatchObject({ labels: [`Errands-${tag}`, `Shed-${tag}`], project_id: project.id });

    const row = `#tasks li[data-id="${created.id}"]`;
    await expect.poll(() => page.locator(`${row} .label`).allTextContents()).toEqual([`Errands-${tag}`, `Shed-${tag}`]);
    await page.fill("#filter-label", `shed-${tag}`);
    await page.selectOption("#filter-project", project.id);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(1);
    await page.waitForSelector(row);

    // Clearing both in the editor clears them in the API.
    await page.click(`${row} .title`);
    await expect.poll(() => page.inputValue("#edit-labels")).toBe(`Errands-${tag}, Shed-${tag}`);
    expect(await page.inputValue("#edit-project")).toBe(project.id);
    await page.fill("#edit-labels", "");
    await page.selectOption("#edit-project", "");
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    expect(await unwrap(rest.tasks[":id"].$get({ param: { id: created.id } }))).toMatchObject({
      labels: [],
      project_id: null,
    });
    expect(problems).toEqual([]);
    await page.close();
  });
  it("assigns a task to a person in the editor, filters by assignee (and by nobody), and unassigns it", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const person = await unwrap(rest.people.$post({ json: { name: `Ana ${tag}`, telegram_chat_id: "7700001" } }));
    const other = await unwrap(rest.tasks.$post({ json: { title: `unassigned ${tag}` } }));
    const { page, problems } = await openTasks();
    const title = `assigned in the editor ${tag}`;
    await page.keyboard.press("n");
    await page.waitForSelector("#editor[open]");
    await fillEditor(page, { title });
    await page.waitForSelector(`#edit-assignee option[value="${person.id}"]`, { state: "attached" });
    await page.selectOption("#edit-assignee", person.id);
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    const created = await taskNamed(title);
    expect(created.assignee_id).toBe(person.id);

    // The assignee filter asks GET /tasks?assignee=, so only this person's task is listed.
    await page.fill("#search", tag);
    await page.waitForSelector(`#filter-assignee option[value="${person.id}"]`, { state: "attached" });
    await page.selectOption("#filter-assignee", person.id);
    await expect.poll(() => page.locator("#tasks li").count()).toBe(1);
    await page.waitForSelector(`#tasks li[data-id="${created.id}"]`);
    await page.selectOption("#filter-assignee", "none");
    await page.waitForSelector(`#tasks li[data-id="${other.id}"]`);
    await expect.poll(() => page.locator(`#tasks li[data-id="${created.id}"]`).count()).toBe(0);

    // "nobody" in the editor clears the assignee in the API.
    await page.selectOption("#filter-assignee", "");
    await page.click(`#tasks li[data-id="${created.id}"] .title`);
    await expect.poll(() => page.inputValue("#edit-assignee")).toBe(person.id);
    await page.selectOption("#edit-assignee", "");
    await page.click('#editor button[type="submit"]');
    await page.waitForSelector("#editor", { state: "detached" });
    expect((await unwrap(rest.tasks[":id"].$get({ param: { id: created.id } }))).assignee_id).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });
});
