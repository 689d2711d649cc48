import { SELF } from "cloudflare:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, call, createKey, database, expectProblem, workerFetch } from "../../test/helpers";
import { callTool, callToolOk, connectMcp, problemOf, toolText } from "../../test/mcp";
import { idleEventStream } from "./idle-stream";

const sql = database();
const MCP = `${BASE}/mcp`;
const ADMIN = "Bearer test-admin-token-not-a-secret";

const TOOLS = [
  "create_task",
  "list_tasks",
  "list_labels",
  "get_task",
  "update_task",
  "complete_task",
  "delete_task",
  "quick_add",
  "list_attachments",
  "list_projects",
  "create_project",
  "list_people",
  "create_person",
  "create_reminder",
  "list_reminders",
  "move_reminder",
  "snooze_reminder",
  "delete_reminder",
  "agenda",
  "list_webhooks",
  "create_webhook",
];

let admin: Client;
beforeAll(async () => {
  admin = await connectMcp(MCP, ADMIN, workerFetch);
});

describe("MCP: connecting", () => {
  it("introduces the server with instructions that state the time-zone rule", () => {
    expect(admin.getServerVersion()?.name).toBe("openclaw-sync");
    expect(admin.getInstructions()).toMatch(/offset/);
    expect(admin.getInstructions()).toMatch(/never guess/);
  });

  it("lists every tool, each with a description for a model, its scope and an input schema from the REST schemas", async () => {
    const { tools } = await admin.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description, tool.name).toMatch(/Needs the API key scope '(tasks|reminders|webhooks):(read|write)'/);
      expect(tool.inputSchema.type, tool.name).toBe("object");
      // MCP requires an object schema for structured results.
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      // Write tools (not read-only) take the REST Idempotency-Key's counterpart; read tools need none.
      const writes = tool.annotations?.readOnlyHint === false;
      expect(Object.keys(tool.inputSchema.properties ?? {}).includes("idempotency_key"), tool.name).toBe(writes);
    }
    expect(
      tools
        .filter((t) => t.annotations?.readOnlyHint === false)
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      [
        "complete_task",
        "create_project",
        "create_person",
        "create_reminder",
        "create_task",
        "create_webhook",
        "delete_reminder",
        "delete_task",
        "move_reminder",
        "quick_add",
        "snooze_reminder",
        "update_task",
      ].sort(),
    );
    const create = tools.find((t) => t.name === "create_task")!;
    expect(create.description).toContain("2026-03-01T09:00:00+01:00");
    expect(create.inputSchema.required).toEqual(["title"]);
    expect(create.inputSchema.additionalProperties).toBe(false);
    expect(Object.keys(create.inputSchema.properties ?? {}).sort()).toEqual(
      [
        "description",
        "due_date",
        "due_time",
        "idempotency_key",
        "labels",
        "project_id",
        "assignee_id",
        "rrule",
        "source",
        "status",
        "timezone",
        "title",
      ].sort(),
    );
    expect(create.inputSchema.properties?.due_time).toMatchObject({ description: expect.stringContaining("offset") });
    const reminder = tools.find((t) => t.name === "create_reminder")!;
    expect(reminder.inputSchema.required).toEqual(expect.arrayContaining(["task_id", "channel"]));
    expect(Object.keys(reminder.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["remind_at", "offset_minutes"]),
    );
    const agenda = tools.find((t) => t.name === "agenda")!;
    expect(agenda.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === "delete_task")!.annotations).toMatchObject({ destructiveHint: true });
  });

  it("refuses a connection without a key (401) or with a key that lacks tasks:read (403)", async () => {
    await expect(connectMcp(MCP, undefined, workerFetch)).rejects.toThrow(/401/);
    const remindersOnly = await createKey(["reminders:read"], "mcp reminders only");
    await expect(connectMcp(MCP, remindersOnly.bearer, workerFetch)).rejects.toThrow(/403/);
    const res = await call("POST", "/mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: "" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="openclaw-sync"/);
  });

  it("lets an allowed browser origin send the MCP protocol header", async () => {
    const res = await workerFetch(MCP, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:8787",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")).toContain("mcp-protocol-version");
  });

  it("answers GET with an idle event stream and DELETE with 200, to a key only, and never names a session", async () => {
    // Streamable HTTP: a client may GET to listen and DELETE to end its session; OpenClaw's client
    // fails on a 405 (openclaw/openclaw #137476), and a stateless server omits Mcp-Session-Id.
    const controller = new AbortController();
    const res = await workerFetch(MCP, {
      headers: { authorization: ADMIN, accept: "text/event-stream" },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("mcp-session-id")).toBeNull();
    const first = new TextDecoder().decode((await res.body!.getReader().read()).value);
    // SSE: a `retry` field and a comment, no event (the server has nothing to say).
    expect(first).toMatch(/^retry: \d+\n: [^\n]*\n\n$/);
    controller.abort();

    expectProblem(await call("GET", "/mcp", undefined, { authorization: "", accept: "text/event-stream" }), 401);
    const ended = await call("DELETE", "/mcp", undefined, { authorization: ADMIN });
    expect(ended.status).toBe(200);
    expect(ended.headers.get("mcp-session-id")).toBeNull();
    expectProblem(await call("DELETE", "/mcp", undefined, { authorization: "" }), 401);

    const initialize = await call(
      "POST",
      "/mcp",
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { authorization: ADMIN, accept: "application/json, text/event-stream" },
    );
    expect(initialize.status).toBe(200);
    expect(initialize.headers.get("mcp-session-id")).toBeNull();
  });

  it("closes the idle stream after its bound, having sent only comments", async () => {
    const started = Date.now();
    const text = await idleEventStream(1).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(text.split("\n").filter((line) => line && !line.startsWith(":") && !line.startsWith("retry:"))).toEqual([]);
  });
});

describe("MCP: scopes per tool", () => {
  it("lets a read-only key list but not create, with a tool error naming the scope, and writes nothing", async () => {
    const reader = await createKey(["tasks:read"], "mcp reader");
    const client = await connectMcp(MCP, reader.bearer, workerFetch);
    expect((await callToolOk(client, "list_tasks", { limit: 1 })).items).toBeInstanceOf(Array);

    const title = `read-only ${crypto.randomUUID()}`;
    const refused = await callTool(client, "create_task", { title });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toBe("This API key lacks the scope 'tasks:write'.");
    expect(problemOf(refused)).toMatchObject({ status: 403, type: "/problems/forbidden" });
    expect(await sql`select id from tasks where title = ${title}`).toHaveLength(0);

    const reminders = await callTool(client, "list_reminders", {});
    expect(toolText(reminders)).toBe("This API key lacks the scope 'reminders:read'.");
  });

  it("leaves reminders out of the agenda for a key that may not read them", async () => {
    const reader = await createKey(["tasks:read"], "mcp agenda reader");
    const agenda = await callToolOk(await connectMcp(MCP, reader.bearer, workerFetch), "agenda", {});
    expect(agenda.includes_reminders).toBe(false);
  });
});

describe("MCP: bad arguments are tool errors naming the field", () => {
  const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
    [
      "a timestamp without an offset",
      "create_task",
      { title: "t", due_time: "2026-03-01T09:00:00" },
      "due_time",
      /^Invalid argument 'due_time': must be an ISO 8601 timestamp with an offset/,
    ],
    ["a missing title", "create_task", { due_time: "2026-03-01T09:00:00Z" }, "title", /^Invalid argument 'title'/],
    ["an unknown field", "create_task", { title: "t", priority: "high" }, "priority", /'priority': unknown field/],
    ["an unknown status", "list_tasks", { status: "done" }, "status", /^Invalid argument 'status'/],
    ["a task id that is not a UUID", "get_task", { id: "42" }, "id", /^Invalid argument 'id'/],
    ["no changes", "update_task", { id: crypto.randomUUID(), changes: {} }, "changes", /Send at least one field/],
    [
      "a bad nested field",
      "update_task",
      { id: crypto.randomUUID(), changes: { status: "finished" } },
      "changes.status",
      /^Invalid argument 'changes.status'/,
    ],
    ["a move without a time", "move_reminder", { id: crypto.randomUUID() }, "remind_at", /'remind_at'/],
    [
      "a snooze without a time",
      "snooze_reminder",
      { id: crypto.randomUUID() },
      "minutes",
      /exactly one of minutes and until/,
    ],
    [
      "an unknown time zone",
      "agenda",
      { tz: "Mars/Olympus_Mons" },
      "tz",
      /^Invalid argument 'tz': 'Mars\/Olympus_Mons' is not an IANA time zone/,
    ],
    ["an offset for a zone", "agenda", { tz: "+01:00" }, "tz", /'tz'/],
  ];
  for (const [what, tool, args, field, message] of cases) {
    it(`${tool}: ${what}`, async () => {
      const result = await callTool(admin, tool, args);
      expect(result.isError).toBe(true);
      expect(toolText(result)).toMatch(message);
      expect(problemOf(result)).toMatchObject({ status: 422, type: "/problems/validation" });
      expect(problemOf(result).errors.map((e: { path: string }) => e.path)).toContain(field);
    });
  }

  it("lists every field when several are wrong", async () => {
    const result = await callTool(admin, "create_task", { title: "", due_time: "tomorrow" });
    expect(toolText(result)).toMatch(/^Some fields are invalid; see errors.\n- title: .+\n- due_time: .+/);
  });

  it("reports the domain's errors as the REST API does: no such task, a reminder for a missing task, a bad window", async () => {
    const id = crypto.randomUUID();
    const missing = await callTool(admin, "get_task", { id });
    expect(toolText(missing)).toBe(`No task with id '${id}'.`);
    expect(problemOf(missing)).toMatchObject({ status: 404, type: "/problems/not-found" });

    const orphan = await callTool(admin, "create_reminder", {
      task_id: id,
      remind_at: "2026-03-01T09:00:00+01:00",
      channel: "ui",
    });
    expect(toolText(orphan)).toBe(`No task with id '${id}'; create the task first.`);
    expect(problemOf(orphan).errors[0].path).toBe("task_id");

    const backwards = await callTool(admin, "agenda", { from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" });
    expect(toolText(backwards)).toMatch(/'to' must be later than 'from'/);
  });

  it("answers an unknown tool with a tool error", async () => {
    const result = await callTool(admin, "drop_database", {});
    expect(result.isError).toBe(true);
    expect(toolText(result)).toMatch(/No tool named 'drop_database'/);
  });
});

describe("MCP: each tool is its REST operation", () => {
  it("creates, changes, completes and deletes exactly what REST then shows", async () => {
    const title = `mcp ${crypto.randomUUID()}`;
    const created = await callToolOk(admin, "create_task", {
      title,
      due_time: "2026-03-01T09:00:00+01:00",
      source: "telegram",
    });
    expect(created).toMatchObject({ title, due_time: "2026-03-01T08:00:00.000Z", status: "pending", version: 1 });

    const rest = await api().tasks[":id"].$get({ param: { id: created.id } });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual(created);

    const updated = await callToolOk(admin, "update_task", { id: created.id, changes: { due_time: null }, version: 1 });
    expect(updated).toMatchObject({ due_time: null, version: 2 });
    const stale = await callTool(admin, "update_task", { id: created.id, changes: { title: "lost" }, version: 1 });
    expect(toolText(stale)).toBe(
      `The task '${created.id}' is at version 2, not 1; fetch it again and reapply your change.`,
    );
    expect(problemOf(stale)).toMatchObject({ status: 412, type: "/problems/stale-version" });
    expect(await callToolOk(admin, "complete_task", { id: created.id })).toMatchObject({
      status: "completed",
      version: 3,
    });
    const [row] = await sql`select status, due_time, version from tasks where id = ${created.id}`;
    expect(row).toMatchObject({ status: "completed", due_time: null, version: 3 });

    expect(await callToolOk(admin, "delete_task", { id: created.id })).toEqual({ deleted: "task", id: created.id });
    expect(await sql`select id from tasks where id = ${created.id}`).toHaveLength(0);
    expect(toolText(await callTool(admin, "delete_task", { id: created.id }))).toBe(`No task with id '${created.id}'.`);
  });

  it("snoozing fires a sent reminder again in n minutes, and refuses one that has not fired", async () => {
    const task = await callToolOk(admin, "create_task", { title: "snooze me later" });
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const reminder = await callToolOk(admin, "create_reminder", { task_id: task.id, remind_at: future, channel: "ui" });
    const early = await callTool(admin, "snooze_reminder", { id: reminder.id, minutes: 10 });
    expect(early.isError).toBe(true);
    expect(toolText(early)).toMatch(/has not fired yet/);

    await sql`update reminders set status = 'sent', sent_at = now(), attempts = 1, delivery_state = 'accepted' where id = ${reminder.id}`;
    const before = Date.now();
    const snoozed = await callToolOk(admin, "snooze_reminder", { id: reminder.id, minutes: 10 });
    const at = Date.parse(snoozed.remind_at);
    expect(at).toBeGreaterThanOrEqual(before + 600_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(snoozed).toMatchObject({ status: "scheduled", sent: false });
  });

  it("moving re-arms a reminder that was already sent", async () => {
    const task = await callToolOk(admin, "create_task", { title: "snooze me" });
    const reminder = await callToolOk(admin, "create_reminder", {
      task_id: task.id,
      remind_at: "2026-03-01T09:00:00+01:00",
      channel: "ui",
    });
    await sql`update reminders set status = 'sent', sent_at = now(), attempts = 1, delivery_state = 'accepted' where id = ${reminder.id}`;
    const snoozed = await callToolOk(admin, "move_reminder", {
      id: reminder.id,
      remind_at: "2026-03-01T09:10:00+01:00",
    });
    expect(snoozed).toMatchObject({ remind_at: "2026-03-01T08:10:00.000Z", status: "scheduled", sent: false });
    const [row] = await sql`select status, attempts, next_attempt_at from reminders where id = ${reminder.id}`;
    expect(row).toMatchObject({ status: "scheduled", attempts: 0 });
    expect(row!.next_attempt_at.toISOString()).toBe("2026-03-01T08:10:00.000Z");

    const listed = await callToolOk(admin, "list_reminders", { task_id: task.id });
    expect(listed.items.map((r: { id: string }) => r.id)).toEqual([reminder.id]);
    expect(await callToolOk(admin, "delete_reminder", { id: reminder.id })).toEqual({
      deleted: "reminder",
      id: reminder.id,
    });
    expect(await sql`select id from reminders where id = ${reminder.id}`).toHaveLength(0);
  });
});

describe("MCP: quick_add", () => {
  it("creates the task and its reminder as POST /tasks/quick does, and says what it understood", async () => {
    const word = `qa${crypto.randomUUID().replace(/[\d-]/g, "")}`;
    const added = await callToolOk(admin, "quick_add", {
      text: `call ${word} on March 20 2030 at 9:30, remind me 1 hour before`,
      timezone: "America/New_York",
    });
    expect(added.task).toMatchObject({ title: `call ${word}`, due_time: "2030-03-20T13:30:00.000Z" });
    expect(added.reminder).toMatchObject({ task_id: added.task.id, offset_minutes: -60, channel: "ui" });
    expect(added.understood).toMatchObject({ due_local: "2030-03-20T09:30:00", all_day: false });
    const rest = await call("GET", `/tasks/${added.task.id}`);
    expect(rest.body).toEqual(added.task);
    const stored = await sql`select remind_at from reminders where task_id = ${added.task.id}`;
    expect(stored.map((r) => r.remind_at.toISOString())).toEqual(["2030-03-20T12:30:00.000Z"]);
  });

  it("refuses a reminder to a key without reminders:write, naming the scope, and creates nothing", async () => {
    const writer = await createKey(["tasks:read", "tasks:write"], "mcp quick add without reminders");
    const client = await connectMcp(MCP, writer.bearer, workerFetch);
    const word = `qa${crypto.randomUUID().replace(/[\d-]/g, "")}`;
    const refused = await callTool(client, "quick_add", { text: `call ${word} tomorrow at 9, remind me` });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toContain("'reminders:write'");
    expect(problemOf(refused)).toMatchObject({ status: 403 });
    expect(await sql`select id from tasks where title like ${`%${word}%`}`).toHaveLength(0);
    expect((await callToolOk(client, "quick_add", { text: `call ${word} tomorrow` })).reminder).toBeNull();
  });

  it("answers a reminder without a time with a tool error naming text", async () => {
    const result = await callTool(admin, "quick_add", { text: "remind me sometime" });
    expect(problemOf(result)).toMatchObject({ status: 422 });
    expect(problemOf(result).errors.map((e: { path: string }) => e.path)).toEqual(["text"]);
  });
});

describe("MCP: idempotency_key on write tools, with the REST Idempotency-Key's semantics", () => {
  it("runs a retried call once and answers the retry with the first result, marked as replayed", async () => {
    const key = crypto.randomUUID();
    const title = `once ${crypto.randomUUID()}`;
    const first = await callTool(admin, "create_task", { title, idempotency_key: key });
    const retry = await callTool(admin, "create_task", { title, idempotency_key: key });
    expect(first.isError).toBeFalsy();
    expect(first._meta?.idempotent_replayed).toBeUndefined();
    expect(retry.structuredContent).toEqual(first.structuredContent);
    expect(retry._meta?.idempotent_replayed).toBe(true);
    expect(await sql`select id from tasks where title = ${title}`).toHaveLength(1);
  });

  it("never stores a shown-once secret: a replayed create_webhook has none", async () => {
    const key = crypto.randomUUID();
    const args = { url: "https://hooks.example.com/mcp-replay", events: ["*"], enabled: false, idempotency_key: key };
    const first = await callToolOk(admin, "create_webhook", args);
    const retry = await callTool(admin, "create_webhook", args);
    expect(first.secret).toMatch(/^whsec_/);
    expect(retry._meta?.idempotent_replayed).toBe(true);
    expect((retry.structuredContent as any).id).toBe(first.id);
    expect((retry.structuredContent as any).secret).toBeNull();
    const stored = await sql`select response_body from idempotency_keys where key = ${key}`;
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(first.secret.slice(6));
    const listed = await callToolOk(admin, "list_webhooks");
    expect(listed.items.some((w: { id: string }) => w.id === first.id)).toBe(true);
    await call("DELETE", `/webhooks/${first.id}`);
  });

  it("refuses the same key with other arguments (422), and keeps it apart from a call without a key", async () => {
    const key = crypto.randomUUID();
    const title = `keyed ${crypto.randomUUID()}`;
    await callToolOk(admin, "create_task", { title, idempotency_key: key });
    const reused = await callTool(admin, "create_task", { title: `${title} again`, idempotency_key: key });
    expect(reused.isError).toBe(true);
    expect(problemOf(reused)).toMatchObject({ status: 422, type: "/problems/idempotency-key-reused" });
    const other = await callTool(admin, "delete_task", { id: crypto.randomUUID(), idempotency_key: key });
    expect(problemOf(other)).toMatchObject({ status: 422, type: "/problems/idempotency-key-reused" });
    await callToolOk(admin, "create_task", { title });
    expect(await sql`select id from tasks where title = ${title}`).toHaveLength(2);
  });

  it("replays a client error too, and lets a different key run", async () => {
    const key = crypto.randomUUID();
    const task = await callToolOk(admin, "create_task", { title: `completing ${crypto.randomUUID()}` });
    const stale = { id: task.id, changes: { title: "first" }, version: 7, idempotency_key: key };
    const first = await callTool(admin, "update_task", stale);
    expect(problemOf(first)).toMatchObject({ status: 412 });
    const again = await callTool(admin, "update_task", stale);
    expect(again._meta).toMatchObject({ idempotent_replayed: true, problem: { status: 412 } });
    const fresh = await callToolOk(admin, "update_task", {
      ...stale,
      version: 1,
      idempotency_key: crypto.randomUUID(),
    });
    expect(fresh).toMatchObject({ title: "first", version: 2 });
  });

  it("keeps keys per caller: another key's owner with the same idempotency_key gets its own call", async () => {
    const key = crypto.randomUUID();
    const writer = await createKey(["tasks:read", "tasks:write"], "mcp idempotency owner");
    const other = await connectMcp(MCP, writer.bearer, workerFetch);
    const title = `per owner ${crypto.randomUUID()}`;
    const mine = await callToolOk(admin, "create_task", { title, idempotency_key: key });
    const theirs = await callToolOk(other, "create_task", { title, idempotency_key: key });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("refuses a malformed key, naming the argument, and a read tool has no such argument", async () => {
    const long = await callTool(admin, "create_task", { title: "t", idempotency_key: "x".repeat(256) });
    expect(toolText(long)).toMatch(/^Invalid argument 'idempotency_key': must be 1–255 visible ASCII characters/);
    const spaced = await callTool(admin, "create_task", { title: "t", idempotency_key: "a b" });
    expect(problemOf(spaced).errors[0].path).toBe("idempotency_key");
    const read = await callTool(admin, "list_tasks", { idempotency_key: "k" });
    expect(toolText(read)).toMatch(/'idempotency_key': unknown field/);
  });
});

describe("MCP: labels", () => {
  it("labels a task with create_task, finds it by label with list_tasks, and counts it in list_labels", async () => {
    const label = `mcp-${crypto.randomUUID().slice(0, 8)}`;
    const task = await callToolOk(admin, "create_task", { title: "Labelled by an agent", labels: [label, "Errand"] });
    expect(task.labels).toEqual([label, "Errand"]);
    const found = await callToolOk(admin, "list_tasks", { label: [label.toUpperCase()] });
    expect(found.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const labels = await callToolOk(admin, "list_labels", {});
    expect(labels.items).toContainEqual({ name: label, task_count: 1 });
  });
});

describe("MCP: attachments", () => {
  it("lists a task's attachments as GET /tasks/{id}/attachments does", async () => {
    const task = await callToolOk(admin, "create_task", { title: "With a file for an agent" });
    const uploaded = await SELF.fetch(`${BASE}/tasks/${task.id}/attachments?filename=plan.txt`, {
      method: "POST",
      headers: { authorization: ADMIN, "content-type": "text/plain" },
      body: "the plan",
    });
    expect(uploaded.status).toBe(201);
    const listed = await callToolOk(admin, "list_attachments", { task_id: task.id });
    expect(listed).toEqual((await call("GET", `/tasks/${task.id}/attachments`)).body);
    expect(listed.items[0]).toMatchObject({ filename: "plan.txt", content_type: "text/plain", size: 8 });
  });
});
