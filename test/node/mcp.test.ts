import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient } from "../../client/api";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startTestDatabase } from "../../scripts/lib/postgres";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";
import type { ApiScope } from "../../worker/db/schema";
import { callTool, callToolOk, connectMcp, toolText } from "../mcp";

const ADMIN = "e2e-admin-token";
let database: RunningDatabase;
let worker: RunningWorker;
let admin: ApiClient;

/** Issues a key through the typed client, as an operator would over HTTP. */
async function issueKey(name: string, scopes: ApiScope[]) {
  const res = await admin["api-keys"].$post({ json: { name, scopes } });
  if (res.status !== 201) throw new Error(`could not create key: ${res.status}`);
  const { key } = await res.json();
  // Null only in an idempotent replay, and this request sends no Idempotency-Key.
  if (key === null) throw new Error("the secret was withheld");
  return key;
}

beforeAll(async () => {
  database = await startTestDatabase();
  await migrateDatabase(database.url);
  worker = await startWranglerDev({ databaseUrl: database.url, vars: { ADMIN_TOKEN: ADMIN } });
  admin = createApiClient(worker.url, ADMIN);
});
afterAll(async () => {
  await worker?.stop();
  await database?.stop();
});

describe("MCP under wrangler dev, with the official SDK client", () => {
  let agentKey: string;
  let agent: Client;
  let rest: ApiClient;

  beforeAll(async () => {
    agentKey = await issueKey("openclaw", [
      "tasks:read",
      "tasks:write",
      "reminders:read",
      "reminders:write",
      "webhooks:read",
      "webhooks:write",
    ]);
    agent = await connectMcp(`${worker.url}/mcp`, `Bearer ${agentKey}`);
    rest = createApiClient(worker.url, agentKey);
  });
  afterAll(async () => {
    await agent?.close();
  });

  it("lists the tools", async () => {
    const { tools } = await agent.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "agenda",
        "complete_task",
        "create_reminder",
        "create_task",
        "delete_reminder",
        "delete_task",
        "get_task",
        "list_reminders",
        "list_labels",
        "list_attachments",
        "list_projects",
        "create_project",
        "list_people",
        "create_person",
        "list_tasks",
        "list_webhooks",
        "create_webhook",
        "move_reminder",
        "quick_add",
        "snooze_reminder",
        "update_task",
      ].sort(),
    );
  });

  it("drives a whole story — task, reminder, agenda, snooze, complete, delete — each effect visible over REST", async () => {
    // The story is set in 2099 so that nothing in it is due yet: a past reminder would fire at once.
    // "Remind me to call the dentist on 2 March at 9, half an hour before." (the user is in Berlin)
    const task = await callToolOk(agent, "create_task", {
      title: "Call the dentist",
      due_time: "2099-03-02T09:00:00+01:00",
      source: "telegram",
    });
    const taskRes = await rest.tasks[":id"].$get({ param: { id: task.id } });
    expect(taskRes.status).toBe(200);
    expect(await taskRes.json()).toMatchObject({
      title: "Call the dentist",
      due_time: "2099-03-02T08:00:00.000Z",
      status: "pending",
      source: "telegram",
    });

    const reminder = await callToolOk(agent, "create_reminder", {
      task_id: task.id,
      remind_at: "2099-03-02T08:30:00+01:00",
      channel: "telegram",
    });
    const reminderRes = await rest.reminders[":id"].$get({ param: { id: reminder.id } });
    expect(await reminderRes.json()).toMatchObject({
      task_id: task.id,
      remind_at: "2099-03-02T07:30:00.000Z",
      status: "scheduled",
    });

    // "What do I have on 2 March?"
    const window = { from: "2099-03-02T00:00:00+01:00", tz: "Europe/Berlin" };
    const agenda = await callToolOk(agent, "agenda", window);
    expect(agenda.days).toEqual([
      {
        date: "2099-03-02",
        entries: [
          expect.objectContaining({ kind: "reminder", local_time: "2099-03-02T08:30:00+01:00" }),
          expect.objectContaining({ kind: "task", local_time: "2099-03-02T09:00:00+01:00" }),
        ],
      },
    ]);
    const agendaRes = await rest.agenda.$get({ query: window });
    expect(await agendaRes.json()).toEqual(agenda);

    // "Move that reminder a quarter of an hour later."
    await callToolOk(agent, "move_reminder", { id: reminder.id, remind_at: "2099-03-02T08:45:00+01:00" });
    const snoozed = await (await rest.reminders[":id"].$get({ param: { id: reminder.id } })).json();
    expect(snoozed).toMatchObject({ remind_at: "2099-03-02T07:45:00.000Z", version: 2 });

    // "Done, I called them."
    await callToolOk(agent, "complete_task", { id: task.id });
    const completed = await (await rest.tasks[":id"].$get({ param: { id: task.id } })).json();
    expect(completed).toMatchObject({ status: "completed", version: 2 });
    // Done, it is off the day, and so is its reminder: only a pending task's reminders fire.
    const after = await callToolOk(agent, "agenda", window);
    expect(after.days).toEqual([]);

    // "Remove it altogether."
    await callToolOk(agent, "delete_task", { id: task.id });
    expect((await rest.tasks[":id"].$get({ param: { id: task.id } })).status).toBe(404);
    expect((await rest.reminders[":id"].$get({ param: { id: reminder.id } })).status).toBe(404);
  });

  it("returns structuredContent that validates against each tool's outputSchema, for every tool", async () => {
    // Validated as the SDK client validates it (Ajv with formats), schema by schema from tools/list.
    const { tools } = await agent.listTools();
    const validator = new AjvJsonSchemaValidator();
    const checked = new Set<string>();
    const call = async (name: string, args: Record<string, unknown>) => {
      const tool = tools.find((t) => t.name === name)!;
      const data = await callToolOk(agent, name, args);
      const verdict = validator.getValidator(tool.outputSchema!)(data);
      expect(verdict.errorMessage, name).toBeUndefined();
      expect(verdict.valid, name).toBe(true);
      checked.add(name);
      return data;
    };
    const task = await call("create_task", { title: "Schema check", due_time: "2099-05-01T09:00:00+02:00" });
    await call("get_task", { id: task.id });
    await call("list_tasks", { limit: 3 });
    await call("update_task", { id: task.id, changes: { description: "checked", rrule: null } });
    const reminder = await call("create_reminder", { task_id: task.id, offset_minutes: -15, channel: "telegram" });
    await call("list_reminders", { task_id: task.id });
    await call("move_reminder", { id: reminder.id, remind_at: "2099-05-01T08:30:00+02:00" });
    const agenda = await call("agenda", { from: "2099-05-01T00:00:00+02:00", tz: "Europe/Berlin" });
    expect(agenda.days[0].entries.map((e: { kind: string }) => e.kind)).toEqual(["reminder", "task"]);
    expect(agenda.days[0].entries[0].reminder.timezone).toBe("UTC");
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await sql`update reminders set status = 'sent', sent_at = now(), delivery_state = 'accepted', attempts = 1 where id = ${reminder.id}`;
    await sql.end();
    await call("snooze_reminder", { id: reminder.id, minutes: 10 });
    await call("complete_task", { id: task.id });
    await call("delete_reminder", { id: reminder.id });
    await call("delete_task", { id: task.id });
    const quick = await call("quick_add", {
      text: "Schema check on May 2 2099 at 9, remind me",
      timezone: "Europe/Berlin",
    });
    expect(quick.understood).toMatchObject({ due_local: "2099-05-02T09:00:00", reminder_text: "remind me" });
    await call("delete_task", { id: quick.task.id });
    const hook = await call("create_webhook", {
      url: "https://hooks.example.com/schema",
      events: ["*"],
      enabled: false,
    });
    expect(hook.secret).toMatch(/^whsec_/);
    await call("list_webhooks", {});
    const project = await call("create_project", {
      name: `Schema ${crypto.randomUUID().slice(0, 8)}`,
      color: "#112233",
    });
    await call("list_projects", { archived: "false" });
    const person = await call("create_person", {
      name: "Schema person",
      telegram_chat_id: "123456789",
      whatsapp_number: "+14155550123",
      timezone: "Europe/Berlin",
    });
    await call("list_people", { limit: 5 });
    const filed = await call("create_task", {
      title: "Filed",
      project_id: project.id,
      assignee_id: person.id,
      labels: ["schema"],
    });
    await call("list_attachments", { task_id: filed.id });
    await call("list_labels", {});
    expect([...checked].sort()).toEqual(tools.map((t) => t.name).sort());

    // The schemas are not vacuous: a task without its id, or a page of something else, fails.
    const taskSchema = tools.find((t) => t.name === "get_task")!.outputSchema!;
    const { id: _, ...anonymous } = task;
    expect(validator.getValidator(taskSchema)(anonymous).valid).toBe(false);
    const pageSchema = tools.find((t) => t.name === "list_tasks")!.outputSchema!;
    expect(validator.getValidator(pageSchema)({ items: [{ kind: "task" }], next_cursor: null }).valid).toBe(false);
  });

  it("answers bad arguments with a tool error naming the field", async () => {
    const result = await callTool(agent, "create_task", { title: "Dentist", due_time: "2099-03-02T09:00:00" });
    expect(result.isError).toBe(true);
    expect(toolText(result)).toMatch(/^Invalid argument 'due_time': must be an ISO 8601 timestamp with an offset/);
  });

  it("lets a key without tasks:write list but not create, naming the scope", async () => {
    const reader = await connectMcp(`${worker.url}/mcp`, `Bearer ${await issueKey("reader", ["tasks:read"])}`);
    const listed = await callToolOk(reader, "list_tasks", { limit: 5 });
    expect(listed.items).toBeInstanceOf(Array);
    const refused = await callTool(reader, "create_task", { title: "Sneaky" });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toBe("This API key lacks the scope 'tasks:write'.");
    const all = await (await rest.tasks.$get({ query: { limit: "200" } })).json();
    expect(all.items.map((t) => t.title)).not.toContain("Sneaky");
    await reader.close();
  });

  it("refuses to connect without a key (401)", async () => {
    await expect(connectMcp(`${worker.url}/mcp`)).rejects.toThrow(/401/);
    const res = await fetch(`${worker.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="openclaw-sync"/);
  });
});
