import type postgres from "postgres";
import { createDatabase } from "../../worker/db/client.ts";
import { CHANGES_LIMIT_MAX } from "../../worker/routes/changes/schemas.ts";
import { type ChangePage, listChangesJson } from "../../worker/services/changes.ts";
import { settingsOf } from "../../worker/settings/index.ts";
import { sampleMemory } from "../lib/memory.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { ADMIN_TOKEN, type BenchDatabase, startApp } from "../lib/stack.ts";

export interface CatchUpContext {
  quick: boolean;
  db: BenchDatabase;
  /** The database as the Worker reaches it: through the pooler that stands in for Hyperdrive. */
  databaseUrl: string;
}

/**
 * Tasks per INSERT. Every row's trigger bumps the single change-counter row, whose dead versions
 * pile up until the transaction ends, so one statement of 100,000 rows takes far longer than a
 * hundred of 1,000.
 */
const WRITE_BATCH = 1000;

/** `count` new tasks; the change-log triggers write one change for each. */
async function writeChanges(sql: postgres.Sql, count: number) {
  for (let done = 0; done < count; done += WRITE_BATCH) {
    await sql`
      insert into tasks (title, description, source)
      select 'Catch-up task ' || i, 'Written to be read back through GET /changes', 'system'
      from generate_series(${done + 1}::int, ${Math.min(count, done + WRITE_BATCH)}::int) as i`;
  }
}

const lastSeq = async (sql: postgres.Sql) =>
  Number((await sql<{ last_seq: string }[]>`select last_seq from change_cursor where id = 1`)[0]!.last_seq);

/**
 * Follows pages from `since` to `head` with `fetchPage`, one after another as a client must (each
 * cursor comes from the page before), checking that every change arrives once and in order.
 */
async function follow(since: number, head: number, fetchPage: (cursor: number) => Promise<ChangePage>) {
  const pageMs: number[] = [];
  let cursor = since;
  const started = performance.now();
  for (;;) {
    const pageStarted = performance.now();
    const page = await fetchPage(cursor);
    pageMs.push(performance.now() - pageStarted);
    for (const change of page.changes) {
      if (change.seq !== cursor + 1) throw new Error(`expected change ${cursor + 1}, got ${change.seq}`);
      cursor = change.seq;
    }
    if (!page.has_more) break;
  }
  const totalMs = performance.now() - started;
  if (cursor !== head) throw new Error(`caught up to ${cursor}, but the head is ${head}`);
  return { pageMs, totalMs };
}

/**
 * The limit: the same rows and columns in the same order, streamed out of Postgres by COPY, the
 * cheapest way it has to hand rows to a client. COPY takes no parameters; both bounds are our numbers.
 */
async function copyOut(sql: postgres.Sql, since: number, head: number) {
  const started = performance.now();
  const stream = await sql
    .unsafe(
      `copy (select seq, entity, op, entity_id, data, at from changes
             where seq > ${since} and seq <= ${head} order by seq) to stdout`,
    )
    .readable();
  let rows = 0;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  }
  return { rows, bytes, totalMs: performance.now() - started };
}

/**
 * Scenario 3: a client `count` changes behind pages through GET /changes at the largest page size
 * until it reaches the head; changes per second, set against COPY-ing the same rows out of Postgres.
 * The same pages read by the service in Node (no Worker, no HTTP) show what the Worker adds.
 */
export async function catchUp(ctx: CatchUpContext): Promise<ScenarioResult> {
  const count = ctx.quick ? 5_000 : 100_000;
  const app = await startApp(ctx.databaseUrl);
  const service = createDatabase(ctx.databaseUrl);
  try {
    const since = await lastSeq(ctx.db.sql);
    const writeStarted = performance.now();
    await writeChanges(ctx.db.sql, count);
    const writeMs = performance.now() - writeStarted;
    const head = await lastSeq(ctx.db.sql);
    const [{ rows } = { rows: "0" }] = await ctx.db.sql<{ rows: string }[]>`
      select count(*) as rows from changes where seq > ${since} and seq <= ${head}`;
    if (head - since !== count || Number(rows) !== count) {
      throw new Error(`expected ${count} new changes, the log has ${rows} (seq ${since} to ${head})`);
    }

    // The fastest of three: one COPY right after the writes measured 49,284 changes/s in one run and
    // 213,114 in another on this machine (2026-12-04), and the ratio followed it (0.39 and 0.09).
    const copies = [];
    for (let i = 0; i < 3; i++) copies.push(await copyOut(ctx.db.sql, since, head));
    const limit = copies.reduce((best, copy) => (copy.totalMs < best.totalMs ? copy : best));
    if (limit.rows !== count) throw new Error(`COPY returned ${limit.rows} rows, expected ${count}`);
    const limitRate = (limit.rows / limit.totalMs) * 1000;

    let responseBytes = 0;
    const memory = sampleMemory(app.pid);
    const http = await follow(since, head, async (cursor) => {
      const res = await fetch(`${app.url}/changes?since=${cursor}&limit=${CHANGES_LIMIT_MAX}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET /changes: ${res.status} ${body.toString().slice(0, 500)}`);
      responseBytes += body.length;
      return JSON.parse(body.toString()) as ChangePage;
    });
    const peakMiB = memory.stop();

    const store = { db: service.db, time: settingsOf({}).time, onCommitted: () => {} };
    const node = await follow(
      since,
      head,
      async (cursor) =>
        JSON.parse(await listChangesJson(store, { since: cursor, limit: CHANGES_LIMIT_MAX })) as ChangePage,
    );

    const rate = (totalMs: number) => (count / totalMs) * 1000;
    const limitText = `COPY the same rows TO STDOUT: ${Math.round(limitRate).toLocaleString("en-US")} changes/s`;
    const row = (caseName: string, run: { pageMs: number[]; totalMs: number }, extra: Partial<Row>): Row => ({
      scenario: "3 catch-up",
      case: caseName,
      throughput: Math.round(rate(run.totalMs)),
      unit: "changes/s",
      p50Ms: round(percentile(run.pageMs, 50)),
      p99Ms: round(percentile(run.pageMs, 99)),
      maxMs: round(Math.max(...run.pageMs)),
      limit: limitText,
      ratio: round(rate(run.totalMs) / limitRate, 3),
      ...extra,
    });
    const pages = http.pageMs.length;
    return {
      title: `3. Catch-up: a client ${count.toLocaleString("en-US")} changes behind reaches the head through GET /changes`,
      ratioMeaning: "changes/s ÷ COPY's changes/s (1 = as fast as Postgres hands out the rows)",
      rows: [
        row(`GET /changes?since=…&limit=${CHANGES_LIMIT_MAX}, ${pages} pages in turn, admin token`, http, {
          peakMiB: round(peakMiB),
          note: `${round(responseBytes / pages / 1024, 0)} KiB of JSON per page; p50/p99 are per page`,
        }),
        row("listChangesJson() in Node through the same pooler: the service alone, no Worker, no HTTP", node, {
          note: "same SQL, and the page parsed as the client above parses it; the difference is the Worker and HTTP",
        }),
      ],
      notes: [
        `${count.toLocaleString("en-US")} tasks inserted ${WRITE_BATCH} per statement; the triggers wrote the changes in ${round(writeMs / 1000)} s.`,
        `COPY: ${limit.rows.toLocaleString("en-US")} rows, ${round(limit.bytes / 2 ** 20)} MiB in ${round(limit.totalMs)} ms, the fastest of ${copies.map((copy) => round(copy.totalMs)).join(", ")} ms, straight to Postgres (the API goes through PgBouncer).`,
      ],
    };
  } finally {
    await service.close();
    await app.stop();
  }
}
