import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call } from "../helpers";
import { openRoomSocket } from "../realtime/helpers";

/**
 * Issue #13's schema-driven hostile suite: every operation the OpenAPI document lists, every
 * parameter and every top-level body field, sent the boundary values of the types in play. The
 * expectation is the issue's: a client's mistake is a 4xx problem document, never a 5xx; and
 * whatever was accepted, every read still answers afterwards. The values come from the issue's
 * list, not from our schemas.
 */

const ADMIN = { authorization: `Bearer ${"test-admin-token-not-a-secret"}` };
type Json = unknown;

const forgedCursors = [
  "AAAA",
  btoa(`0000-01-01T00:00:00.000Z|${crypto.randomUUID()}`),
  btoa(`10000-01-01T00:00:00.000Z|${crypto.randomUUID()}`),
  btoa("2026-01-01T00:00:00.000Z|not-a-uuid"),
  btoa("|"),
  btoa(JSON.stringify({ at: "x", id: 1 })),
  "%%%",
  "=",
];
const hostileStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "x".repeat(10_001),
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "1969-12-31T23:59:59Z",
  "9999-12-31T23:59:59Z",
  "10000-01-01T00:00:00Z",
  "9999-12-31T23:59:59-14:00",
  "0001-01-01T00:00:00+14:00",
  "2026-03-01T10:00:00+23:59",
  "2026-03-01T10:00:00-23:59",
  "2026-03-01T10:00:00+24:00",
  "0000-01-01",
  "0001-01-01",
  "9999-12-31",
  "10000-01-01",
  "-1",
  "9007199254740993",
  "-9007199254740993",
  "1e999",
  "NaN",
  "Etc/GMT+14",
  "FREQ=SECONDLY;BYSECOND=0,1,2,3,4,5,6,7,8,9",
  ...forgedCursors,
];
const hostileNumbers = [
  0,
  -1,
  0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53,
  -(2 ** 53),
  1e308,
  -1e308,
];
const hostileJson: Json[] = [...hostileStrings, ...hostileNumbers, null, true, false, [], {}, ["x"], { a: 1 }];
const hostileQuery = [...hostileStrings, ...hostileNumbers.map(String)];
// Header values must be ByteStrings: only the Latin-1 ones without control characters.
const hostileHeaders = hostileQuery.filter((v) => /^[\x20-\x7e]*$/.test(v) && v.length < 8_000);

type Operation = {
  method: string;
  path: string;
  parameters: { in: string; name: string }[];
  bodyFields: string[];
};

interface Case {
  what: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

// Requests that would hang (the idle event stream) or need a live socket are not plain HTTP cases.
const SKIP = new Set(["GET /mcp"]);

function resolve(doc: any, node: any): any {
  while (node?.$ref)
    node = node.$ref
      .split("/")
      .slice(1)
      .reduce((at: any, key: string) => at?.[key], doc);
  return node;
}

function operationsOf(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (SKIP.has(`${method.toUpperCase()} ${path}`)) continue;
      const parameters = (op.parameters ?? []).map((p: any) => resolve(doc, p));
      const schema = resolve(doc, op.requestBody?.content?.["application/json"]?.schema);
      out.push({
        method: method.toUpperCase(),
        path,
        parameters,
        bodyFields: Object.keys(schema?.properties ?? {}),
      });
    }
  }
  return out;
}

/** A body each operation accepts as it stands, so one hostile field is the only thing wrong. */
function baseBody(op: Operation, ids: Ids): Record<string, Json> {
  const key = `${op.method} ${op.path}`;
  if (key === "POST /tasks") return { title: "hostile base", due_time: "2030-01-01T09:00:00Z" };
  if (key === "POST /tasks/quick") return { text: "hostile base on Jan 1 2030 at 9, remind me", timezone: "UTC" };
  if (key === "POST /reminders") return { task_id: ids.task, remind_at: "2030-01-01T08:00:00Z", channel: "ui" };
  if (key === "POST /api-keys") return { name: "hostile base", scopes: ["tasks:read"] };
  if (key === "POST /people") return { name: "hostile base" };
  return {};
}

interface Ids {
  task: string;
  reminder: string;
  key: string;
  person: string;
  attachment: string;
}

/** The real id each resource's paths take. */
function realId(path: string, ids: Ids) {
  if (path.startsWith("/reminders")) return ids.reminder;
  if (path.startsWith("/api-keys")) return ids.key;
  if (path.startsWith("/people")) return ids.person;
  if (path.startsWith("/attachments")) return ids.attachment;
  return ids.task;
}

function pathWith(op: Operation, ids: Ids, id?: string) {
  const real = realId(op.path, ids);
  // A DELETE with a real id would remove what the other cases use.
  const value = id ?? (op.method === "DELETE" ? crypto.randomUUID() : real);
  return op.path.replace(/\{\w+\}/g, encodeURIComponent(value));
}

function casesOf(op: Operation, ids: Ids): Case[] {
  const cases: Case[] = [];
  const json = { ...ADMIN, "content-type": "application/json" };
  const hasBody = op.method !== "GET" && op.method !== "DELETE";
  const base = baseBody(op, ids);
  const send = (what: string, path: string, headers: Record<string, string>, body?: Json) =>
    cases.push({
      what: `${op.method} ${op.path} ${what}`,
      method: op.method,
      url: `${BASE}${path}`,
      headers: body === undefined ? { ...ADMIN, ...headers } : { ...json, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  for (const param of op.parameters) {
    if (param.in === "query") {
      for (const value of hostileQuery)
        send(
          `?${param.name}=${JSON.stringify(value).slice(0, 40)}`,
          `${pathWith(op, ids)}?${new URLSearchParams({ [param.name]: value })}`,
          {},
          hasBody ? base : undefined,
        );
    } else if (param.in === "path") {
      for (const value of ["x", "00000000-0000-0000-0000-000000000000", "%00", "a".repeat(300), "1e999"])
        send(`path ${param.name}=${value.slice(0, 40)}`, pathWith(op, ids, value), {}, hasBody ? base : undefined);
    } else if (param.in === "header") {
      for (const value of hostileHeaders)
        send(
          `${param.name}: ${value.slice(0, 40)}`,
          pathWith(op, ids),
          { [param.name]: value },
          hasBody ? base : undefined,
        );
    }
  }
  if (hasBody) {
    for (const field of op.bodyFields)
      for (const value of hostileJson)
        send(`body.${field}=${JSON.stringify(value).slice(0, 40)}`, pathWith(op, ids), {}, { ...base, [field]: value });
    for (const body of [null, [], "x", 1e308, [{ ...base }], { ...base, extra: true }])
      send(`body ${JSON.stringify(body).slice(0, 40)}`, pathWith(op, ids), {}, body);
  }
  return cases;
}

async function run(c: Case) {
  const res = await SELF.fetch(c.url, { method: c.method, headers: c.headers, body: c.body });
  const type = res.headers.get("content-type") ?? "";
  const text = await res.text();
  return { status: res.status, type, text };
}

describe("every operation against hostile values", () => {
  let ops: Operation[];
  let ids: Ids;
  let firstSeq: number;

  beforeAll(async () => {
    ops = operationsOf((await call("GET", "/openapi.json")).body);
    firstSeq = (await call("GET", "/changes")).body.next_since;
    const task = await call("POST", "/tasks", {
      title: "hostile target",
      due_time: "2030-01-01T09:00:00Z",
      rrule: "FREQ=DAILY",
    });
    const reminder = await call("POST", "/reminders", { task_id: task.body.id, offset_minutes: -10, channel: "ui" });
    const key = await call("POST", "/api-keys", { name: "hostile target", scopes: ["tasks:read"] });
    const person = await call("POST", "/people", { name: "hostile target", telegram_chat_id: "12345678" });
    // The target task is assigned, so its reminders are routed through the person's handles.
    await call("PATCH", `/tasks/${task.body.id}`, { assignee_id: person.body.id });
    // Raw bodies: whatever a hostile case sends as its body is a file (the JSON ones included).
    const attachment = await call("POST", `/tasks/${task.body.id}/attachments?filename=hostile.txt`, "target");
    ids = {
      task: task.body.id,
      reminder: reminder.body.id,
      key: key.body.id,
      person: person.body.id,
      attachment: attachment.body.id,
    };
  });

  it("lists the operations it walks", () => {
    const names = ops.map((op) => `${op.method} ${op.path}`);
    for (const expected of [
      "POST /tasks",
      "PATCH /tasks/{id}",
      "POST /reminders",
      "GET /changes",
      "GET /agenda",
      "POST /people",
      "PATCH /people/{id}",
      "DELETE /people/{id}",
      "POST /mcp",
      "POST /tasks/{id}/attachments",
      "GET /attachments/{id}",
    ])
      expect(names).toContain(expected);
  });

  it("answers every case with a 2xx or a 4xx problem document, never a 5xx", { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    let total = 0;
    for (const op of ops) {
      const cases = casesOf(op, ids);
      total += cases.length;
      for (let i = 0; i < cases.length; i += 16) {
        const batch = cases.slice(i, i + 16);
        const results = await Promise.all(batch.map(run));
        results.forEach((res, j) => {
          const c = batch[j]!;
          const isMcp = c.url.includes("/mcp");
          if (res.status >= 500) failures.push(`${c.what} → ${res.status} ${res.text.slice(0, 200)}`);
          // The MCP transport answers JSON-RPC errors as JSON (the MCP spec), not problem documents.
          else if (res.status >= 400 && !isMcp && !res.type.startsWith("application/problem+json"))
            failures.push(`${c.what} → ${res.status} with ${res.type}`);
        });
      }
    }
    expect(total).toBeGreaterThan(2_000);
    expect(failures, failures.slice(0, 30).join("\n")).toEqual([]);
  });

  it("leaves every read answering after the hostile writes it accepted", async () => {
    // Every page of every list, so a poisoned row anywhere shows.
    for (const path of [
      "/tasks",
      "/reminders",
      "/people",
      `/tasks/${ids.task}/completions`,
      `/tasks/${ids.task}/attachments`,
    ]) {
      let cursor: string | undefined;
      for (let pages = 0; pages < 500; pages++) {
        const res = await call("GET", `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
        cursor = res.body.next_cursor;
        if (!cursor) break;
      }
    }
    for (let since = 0, pages = 0; pages < 500; pages++) {
      const res = await call("GET", `/changes?since=${since}&limit=1000`);
      expect(res.status, `/changes?since=${since}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      if (!res.body.has_more) break;
      since = res.body.next_since;
    }
    for (const path of ["/agenda", "/api-keys", `/people/${ids.person}`])
      expect((await call("GET", path)).status, path).toBe(200);
    // Every file a hostile case stored downloads, under the name it was given.
    const stored = (await call("GET", `/tasks/${ids.task}/attachments?limit=200`)).body.items;
    expect(stored.length).toBeGreaterThan(1);
    for (const { id, size } of stored) {
      const res = await SELF.fetch(`${BASE}/attachments/${id}`, { headers: ADMIN });
      expect(res.headers.get("content-disposition"), id).toMatch(
        /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/,
      );
      expect((await res.arrayBuffer()).byteLength, id).toBe(size);
    }
    // The room's catch-up answers too: a replay, or "stale" when its backlog no longer reaches back
    // that far (other files write to the same log); never a closed socket.
    const room = await openRoomSocket({ since: String(firstSeq) });
    const ready = await room.next((m) => m.type === "sync.ready" || m.type === "sync.stale", 10_000);
    expect(["sync.ready", "sync.stale"]).toContain(ready.data.type);
    expect(room.closed()).toBeUndefined();
    room.close();
  });
});
