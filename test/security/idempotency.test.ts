import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduledJobs } from "../../worker/cron";
import type { Env } from "../../worker/env";
import { call, createKey, database, expectProblem } from "../helpers";

const sql = database();

describe("Idempotency-Key", () => {
  it("20 concurrent identical POSTs with one key create exactly one task", async () => {
    const key = crypto.randomUUID();
    const title = `idempotent ${key}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call("POST", "/tasks", { title }, { "idempotency-key": key })),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(","),
    ).toBe(true);
    const created = results.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await sql`select id from tasks where title = ${title}`).toHaveLength(1);
    for (const conflict of results.filter((r) => r.status === 409)) expectProblem(conflict, 409);
  });

  it("replays the first response to a retry, marked Idempotent-Replayed", async () => {
    const key = crypto.randomUUID();
    const body = { title: `replay ${key}`, source: "telegram" };
    const first = await call("POST", "/tasks", body, { "idempotency-key": key });
    const retry = await call("POST", "/tasks", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("location")).toBe(first.headers.get("location"));
    expect(await sql`select id from tasks where title = ${body.title}`).toHaveLength(1);
  });

  it("answers 422 when the same key comes with a different body or route", async () => {
    const key = crypto.randomUUID();
    await call("POST", "/tasks", { title: "one" }, { "idempotency-key": key });
    expectProblem(await call("POST", "/tasks", { title: "two" }, { "idempotency-key": key }), 422);
    expectProblem(await call("POST", "/reminders", { title: "one" }, { "idempotency-key": key }), 422);
  });

  it("scopes keys to their owner", async () => {
    const key = crypto.randomUUID();
    const a = await createKey(["tasks:write"], "owner a");
    const b = await createKey(["tasks:write"], "owner b");
    const body = { title: `owned ${key}` };
    const fromA = await call("POST", "/tasks", body, { "idempotency-key": key, authorization: a.bearer });
    const fromB = await call("POST", "/tasks", body, { "idempotency-key": key, authorization: b.bearer });
    expect(fromA.status).toBe(201);
    expect(fromB.status).toBe(201);
    expect(fromB.headers.get("idempotent-replayed")).toBeNull();
    expect(fromB.body.id).not.toBe(fromA.body.id);
  });

  it("makes PATCH and DELETE retries safe too", async () => {
    const task = await call("POST", "/tasks", { title: "patch twice" });
    const key = crypto.randomUUID();
    const first = await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" }, { "idempotency-key": key });
    const again = await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" }, { "idempotency-key": key });
    expect(again.body).toEqual(first.body);
    expect((await call("GET", `/tasks/${task.body.id}`)).body.version).toBe(2);

    const del = crypto.randomUUID();
    expect((await call("DELETE", `/tasks/${task.body.id}`, undefined, { "idempotency-key": del })).status).toBe(204);
    const replay = await call("DELETE", `/tasks/${task.body.id}`, undefined, { "idempotency-key": del });
    expect(replay.status).toBe(204);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("a retry while the first still holds its key waits for it, and gets its answer and headers", async () => {
    const key = crypto.randomUUID();
    const body = JSON.stringify({ title: `waits ${key}` });
    const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`POST /tasks\n${body}`));
    const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
    // The first request, as another Worker runs it: its claim inserted, its transaction still open.
    const first = await sql.reserve();
    await first`begin`;
    await first`insert into idempotency_keys (owner, key, request_hash, locked_until)
                values ('admin-token', ${key}, ${hex}, now() + interval '1 minute')`;
    const retry = call("POST", "/tasks", body, { "idempotency-key": key });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answer = { id: "00000000-0000-4000-8000-000000000001", title: `waits ${key}` };
    await first`update idempotency_keys set state = 'done', response_status = 201,
                response_headers = ${sql.json({ location: "/tasks/first", "content-type": "application/json" })},
                response_body = ${JSON.stringify(answer)}
                where owner = 'admin-token' and key = ${key}`;
    await first`commit`;
    first.release();
    const res = await retry;
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    // The retry's own insert ran before its claim's answer came, and was rolled back with its Location.
    expect(res.headers.get("location")).toBe("/tasks/first");
    expect(res.body).toEqual(answer);
    expect(await sql`select id from tasks where title = ${`waits ${key}`}`).toHaveLength(0);
  });

  it("refuses a malformed key", async () => {
    expectProblem(await call("POST", "/tasks", { title: "x" }, { "idempotency-key": "x".repeat(256) }), 422);
  });

  it("lets a retry run again after a request that died holding the key", async () => {
    const key = crypto.randomUUID();
    const body = JSON.stringify({ title: `died ${key}` });
    const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`POST /tasks\n${body}`));
    const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
    await sql`insert into idempotency_keys (owner, key, request_hash, locked_until)
              values ('admin-token', ${key}, ${hex}, now() - interval '1 second')`;
    const res = await call("POST", "/tasks", body, { "idempotency-key": key });
    expect(res.status).toBe(201);
  });
});

describe("Idempotency-Key never keeps a secret", () => {
  it("POST /api-keys: the stored response has no secret, and a replay says it was shown once", async () => {
    const idem = crypto.randomUUID();
    const body = { name: `idempotent key ${idem}`, scopes: ["tasks:read"] };
    const first = await call("POST", "/api-keys", body, { "idempotency-key": idem });
    expect(first.status).toBe(201);
    const secret: string = first.body.key;
    expect(secret).toMatch(/^ocs_/);

    const [row] = await sql`select row_to_json(k)::text as stored from idempotency_keys k
                            where owner = 'admin-token' and key = ${idem}`;
    expect(row!.stored).not.toContain(secret);
    // The prefix (the first 12 characters) is public; nothing after it may be kept.
    expect(row!.stored).not.toContain(secret.slice(12));

    const replay = await call("POST", "/api-keys", body, { "idempotency-key": idem });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.stringify(replay.body)).not.toContain(secret.slice(12));
    expect(replay.body).toMatchObject({ id: first.body.id, prefix: first.body.prefix, key: null });
    expect(replay.body.redacted.key).toMatch(/shown once/);
    expect(replay.headers.get("location")).toBe(first.headers.get("location"));
    expect(await sql`select id from api_keys where name = ${body.name}`).toHaveLength(1);
    // The key itself is as good as any other.
    expect((await call("GET", "/tasks?limit=1", undefined, { authorization: `Bearer ${secret}` })).status).toBe(200);
  });

  it("POST /realtime/token is never stored: a retry gets a fresh token", async () => {
    const idem = crypto.randomUUID();
    const first = await call("POST", "/realtime/token", undefined, { "idempotency-key": idem });
    const retry = await call("POST", "/realtime/token", undefined, { "idempotency-key": idem });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await sql`select 1 from idempotency_keys where owner = 'admin-token' and key = ${idem}`).toHaveLength(0);
  });
});

describe("pruning", () => {
  it("the cron deletes stored responses older than 24 hours and keeps newer ones", async () => {
    const [old, fresh] = [crypto.randomUUID(), crypto.randomUUID()];
    await sql`insert into idempotency_keys (owner, key, request_hash, state, locked_until, created_at)
              values ('prune-test', ${old}, 'h', 'done', now(), now() - interval '25 hours'),
                     ('prune-test', ${fresh}, 'h', 'done', now(), now() - interval '23 hours')`;
    await runScheduledJobs(createScheduledController({ scheduledTime: new Date("2020-01-01T00:00:00Z") }), env as Env);
    const left = await sql`select key from idempotency_keys where owner = 'prune-test'`;
    expect(left.map((r) => r.key)).toEqual([fresh]);
  });
});
