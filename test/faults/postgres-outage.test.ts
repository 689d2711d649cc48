import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startThrowawayPostgres } from "../../scripts/lib/postgres";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";

const ADMIN = "faults-admin-token";
const CONNECT_TIMEOUT_S = 2;
const STATEMENT_TIMEOUT_MS = 1000;
/** A request may take the connect timeout plus slack, never more: anything longer counts as a hang. */
const HANG_MS = CONNECT_TIMEOUT_S * 1000 + 4000;

let database: RunningDatabase;
let worker: RunningWorker;
let sql: postgres.Sql;

beforeAll(async () => {
  database = await startThrowawayPostgres({ durable: true });
  await migrateDatabase(database.url);
  worker = await startWranglerDev({
    databaseUrl: database.url,
    vars: {
      ADMIN_TOKEN: ADMIN,
      DB_CONNECT_TIMEOUT_S: String(CONNECT_TIMEOUT_S),
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    },
  });
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end({ timeout: 1 }).catch(() => {});
  await worker?.stop();
  await database?.stop();
});

interface Outcome {
  title: string;
  status: number;
  ms: number;
  id?: string;
  retryAfter?: string | null;
  contentType?: string | null;
}

/** Each writer has its own key: the per-key rate limit (300/min) must not be what this test measures. */
async function newKey() {
  const res = await fetch(`${worker.url}/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "writer", scopes: ["tasks:write"] }),
  });
  return `Bearer ${((await res.json()) as { key: string }).key}`;
}

async function createTask(title: string, authorization = `Bearer ${ADMIN}`): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await fetch(`${worker.url}/tasks`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ title }),
      signal: AbortSignal.timeout(HANG_MS + 10_000),
    });
    const body = (await res.json()) as { id?: string };
    return {
      title,
      status: res.status,
      ms: Date.now() - started,
      id: body.id,
      retryAfter: res.headers.get("retry-after"),
      contentType: res.headers.get("content-type"),
    };
  } catch {
    return { title, status: 0, ms: Date.now() - started };
  }
}

const health = async () => (await fetch(`${worker.url}/health`, { signal: AbortSignal.timeout(HANG_MS) })).status;

describe("Postgres stopped under a steady write load", () => {
  it("fails fast with 503, recovers by itself, and loses no acknowledged write", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const outcomes: Outcome[] = [];
    let stop = false;
    let n = 0;
    const keys = await Promise.all(Array.from({ length: 4 }, newKey));
    const writers = keys.map(async (key) => {
      while (!stop) outcomes.push(await createTask(`outage ${run} ${n++}`, key));
    });

    await new Promise((r) => setTimeout(r, 1500));
    database.pause!();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await health()).toBe(503);
    await new Promise((r) => setTimeout(r, 4000));
    database.resume!();
    let healthyAfterMs = -1;
    while (Date.now() - downAt < 60_000) {
      if ((await health().catch(() => 0)) === 200) {
        healthyAfterMs = Date.now() - downAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(writers);

    const byStatus = Object.groupBy(outcomes, (o) => String(o.status));
    console.log(
      `outage: ${outcomes.length} writes, statuses ${JSON.stringify(Object.fromEntries(Object.entries(byStatus).map(([k, v]) => [k, v!.length])))}, ` +
        `slowest ${Math.max(...outcomes.map((o) => o.ms))} ms, healthy again ${healthyAfterMs} ms after the stop`,
    );
    expect(healthyAfterMs).toBeGreaterThan(0);
    expect(Object.keys(byStatus).sort()).toEqual(["201", "503"]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(HANG_MS);
    for (const failed of byStatus["503"]!) {
      expect(failed.retryAfter).toBeTruthy();
      expect(failed.contentType).toBe("application/problem+json");
    }
    // Writes succeeded again after recovery.
    expect(outcomes.slice(-4).some((o) => o.status === 201)).toBe(true);

    const acked = byStatus["201"]!.map((o) => o.id!);
    const stored = await sql`select id, title from tasks where title like ${`outage ${run} %`}`;
    const storedIds = new Set(stored.map((r) => r.id));
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);
    // A 503 may still have committed (the answer was lost, not the write); it is then whole, never half.
    const halfApplied = await sql`
      select t.id from tasks t
      where t.title like ${`outage ${run} %`}
        and not exists (select 1 from changes c where c.entity = 'task' and c.entity_id = t.id and c.op = 'created')`;
    expect(halfApplied).toHaveLength(0);
    const orphanChanges = await sql`
      select c.seq from changes c
      where c.entity = 'task' and c.op = 'created' and c.data ->> 'title' like ${`outage ${run} %`}
        and not exists (select 1 from tasks t where t.id = c.entity_id)`;
    expect(orphanChanges).toHaveLength(0);
  }, 120_000);
});

describe("a statement slower than its timeout", () => {
  it("is cancelled and answered with 503, holding nothing afterwards", async () => {
    const title = `blocked ${crypto.randomUUID()}`;
    // Holding the change-log counter's row lock stalls every write behind it: the slow statement.
    const reserved = await sql.reserve();
    await reserved`begin`;
    await reserved`select * from change_cursor for update`;
    const outcome = await createTask(title);
    await reserved`rollback`;
    reserved.release();

    expect(outcome.status).toBe(503);
    expect(outcome.ms).toBeLessThan(STATEMENT_TIMEOUT_MS + 3000);
    expect(await sql`select 1 from tasks where title = ${title}`).toHaveLength(0);
    const stuck = await sql`
      select pid from pg_stat_activity
      where application_name = 'openclaw-sync' and state = 'active' and query like '%insert into "tasks"%'`;
    expect(stuck).toHaveLength(0);
    expect((await createTask(`${title} after`)).status).toBe(201);
  });
});
