/**
 * `npm run bench:scan`: how the reminder scan behaves at scale on this machine.
 *
 * A throwaway PostgreSQL gets BENCH_NOT_DUE reminders that are not yet due and BENCH_DUE that are;
 * the claim query is EXPLAINed (ANALYZE, rolled back); then `wrangler dev` runs the cron's scheduled
 * handler against fake providers and the due reminders are counted as they arrive. Sizes and provider
 * latency come from the environment (defaults below).
 */
import { cpus, loadavg } from "node:os";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { loadReminders, unloadReminders } from "../test/bulk.ts";
import { FAKE_TOKENS, FAKE_WHATSAPP_PHONE_NUMBER_ID, startFakeProviders } from "../test/setup/fakes.ts";
import { claimStatement } from "../worker/reminders/claim.ts";
import { migrateDatabase } from "./lib/migrate.ts";
import { hasPostgresBinaries, startThrowawayPostgres } from "./lib/postgres.ts";
import { type RunningWorker, startWranglerDev } from "./lib/wrangler.ts";

const NOT_DUE = Number(process.env.BENCH_NOT_DUE ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

if (!hasPostgresBinaries()) {
  console.error("bench:scan needs PostgreSQL's server binaries (initdb, pg_ctl) on the PATH.");
  process.exit(1);
}

const n = (x: number) => x.toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const database = await startThrowawayPostgres();
const fast = await startFakeProviders();
const slow = await startFakeProviders({ latencyMs: LATENCY_MS });
const sql = postgres(database.url, { max: 4, onnotice: () => {} });
const workers: RunningWorker[] = [];

/** Fresh due reminders, half Telegram and half WhatsApp, each with its own recipient. */
async function loadDue(count: number, tag: string) {
  const [task] = await sql<
    { id: string }[]
  >`insert into tasks (title, description) values (${`Bench ${tag}`}, 'Due now') returning id`;
  const half = Math.floor(count / 2);
  const due = "now() - (i % 600) * interval '1 second'";
  await loadReminders(sql, {
    taskId: task!.id,
    count: half,
    nextAttemptAt: due,
    channel: "telegram",
    recipient: `'-${tag}' || lpad(i::text, 7, '0')`,
  });
  await loadReminders(sql, {
    taskId: task!.id,
    count: count - half,
    nextAttemptAt: due,
    channel: "whatsapp",
    recipient: `'+1${tag}' || lpad(i::text, 7, '0')`,
  });
  await sql`analyze reminders`;
  return task!.id;
}

async function deliveredTo(fakes: typeof fast, tag: string) {
  const get = async (control: string, prefix: string) =>
    (
      (await (await fetch(`${control}/__control/received?prefix=${encodeURIComponent(prefix)}`)).json()) as {
        received: { to: string }[];
      }
    ).received;
  const calls = [...(await get(fakes.control.telegram, `-${tag}`)), ...(await get(fakes.control.whatsapp, `1${tag}`))];
  return { calls: calls.length, recipients: new Set(calls.map((c) => c.to)).size };
}

async function wrangler(fakes: typeof fast, vars: Record<string, string>) {
  const worker = await startWranglerDev({
    databaseUrl: database.url,
    vars: {
      TELEGRAM_API_BASE: fakes.urls.telegram,
      TELEGRAM_BOT_TOKEN: FAKE_TOKENS.telegram,
      WHATSAPP_API_BASE: fakes.urls.whatsapp,
      WHATSAPP_TOKEN: FAKE_TOKENS.whatsapp,
      WHATSAPP_PHONE_NUMBER_ID: FAKE_WHATSAPP_PHONE_NUMBER_ID,
      OPENCLAW_HOOKS_URL: "",
      ...vars,
    },
  });
  workers.push(worker);
  return worker;
}

/** The scan reports (the Worker logs one per run) that appeared in `worker`'s output after `from`. */
function reportsSince(worker: RunningWorker, from: number) {
  return worker
    .output()
    .slice(from)
    .split("\n")
    .filter((line) => line.includes('"msg":"reminder scan"'))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as { sent: number; elapsedMs: number; stoppedBy: string });
}

/** Triggers `runs` cron runs at once and waits for all of them; returns their reports and the wall time. */
async function cron(worker: RunningWorker, runs = 1) {
  const from = worker.output().length;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
      if (res.status !== 200) throw new Error(`scheduled run failed: ${res.status} ${await res.text()}`);
    }),
  );
  const wallMs = Date.now() - started;
  // The log line can trail the HTTP answer by a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { wallMs, reports: reportsSince(worker, from) };
}

const summary = (r: { sent: number; elapsedMs: number; stoppedBy: string }) =>
  `${n(r.sent)} sent in ${seconds(r.elapsedMs)} (stopped by ${r.stoppedBy})`;

try {
  await migrateDatabase(database.url);
  const [version] = await sql`select current_setting('server_version') as v`;
  console.log("Reminder scan benchmark");
  console.log(
    `machine   ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, PostgreSQL ${version!.v}`,
  );
  // Postgres, workerd, wrangler and the fakes all share these CPUs; other load skews the timings.
  console.log(
    `load      ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (1, 5, 15 min averages) at the start`,
  );

  // 1. The table: a million armed reminders that are not due yet, plus the due ones.
  const [idle] = await sql<{ id: string }[]>`insert into tasks (title) values ('Bench: later') returning id`;
  const loadMs = await loadReminders(sql, {
    taskId: idle!.id,
    count: NOT_DUE,
    nextAttemptAt: "now() + interval '1 day' + (i % 43200) * interval '1 minute'",
    channel: "telegram",
    recipient: "null",
  });
  const dueTask = await loadDue(DUE, "55501");
  console.log(
    `fixtures  ${n(NOT_DUE)} not due (loaded in ${seconds(loadMs)}) + ${n(DUE)} due, half Telegram, half WhatsApp`,
  );

  // 2. The claim query's plan and cost at that size (executed, then rolled back).
  const query = new PgDialect().sqlToQuery(
    claimStatement({ dueBy: new Date(), now: new Date(), limit: 50, leaseSeconds: 120 }, crypto.randomUUID()),
  );
  let plan: string[] = [];
  await sql
    .begin(async (tx) => {
      const rows = await tx.unsafe(`explain (analyze, buffers, costs off) ${query.sql}`, query.params as never[]);
      plan = rows.map((r) => r["QUERY PLAN"] as string);
      throw new Error("rollback");
    })
    .catch((err: Error) => {
      if (err.message !== "rollback") throw err;
    });
  console.log("\nclaim query (batch of 50), EXPLAIN ANALYZE:");
  for (const line of plan) console.log(`  ${line}`);
  if (!plan.some((l) => l.includes("reminders_due_idx"))) throw new Error("the claim did not use reminders_due_idx");

  // 3. Cron runs one after another until all of them are delivered, per-run cap lifted, instant fakes.
  const unlimited = await wrangler(fast, { SCAN_MAX_PER_RUN: String(DUE) });
  console.log(`\nruns one after another, SCAN_MAX_PER_RUN=${n(DUE)}, providers answering at once:`);
  let total = 0;
  for (let run = 1; run <= 10; run++) {
    const { wallMs, reports } = await cron(unlimited);
    total += wallMs;
    console.log(`  run ${run}: ${reports.map(summary).join("; ")}`);
    if (reports.every((r) => r.stoppedBy === "nothing due")) break;
  }
  const first = await deliveredTo(fast, "55501");
  console.log(
    `  ${n(first.calls)} messages to ${n(first.recipients)} recipients (duplicates: ${n(first.calls - first.recipients)}), ` +
      `${seconds(total)} of runs, ${n(Math.round((first.calls / total) * 1000))}/s`,
  );
  await unloadReminders(sql, [dueTask]);

  // 4. Two runs at once over a fresh batch: the claims split the work, nobody gets two messages.
  const overlapTask = await loadDue(DUE, "55502");
  const pair = await cron(unlimited, 2);
  const both = await deliveredTo(fast, "55502");
  console.log(`\ntwo overlapping runs over another ${n(DUE)} due:`);
  for (const r of pair.reports) console.log(`  ${summary(r)}`);
  console.log(
    `  together ${n(both.calls)} messages to ${n(both.recipients)} recipients (duplicates: ${n(both.calls - both.recipients)}) in ${seconds(pair.wallMs)}`,
  );
  await unloadReminders(sql, [overlapTask]);

  // 5. The shipped defaults against providers with a realistic round trip.
  const realTask = await loadDue(DUE, "55503");
  const defaults = await wrangler(slow, {});
  const real = await cron(defaults);
  const slowGot = await deliveredTo(slow, "55503");
  console.log(`\none run with the defaults (wrangler.toml) and ${LATENCY_MS} ms per provider call:`);
  console.log(`  ${real.reports.map(summary).join("; ")}; the fakes got ${n(slowGot.calls)}`);
  await unloadReminders(sql, [idle!.id, realTask]);
  console.log("\nrerun: npm run bench:scan   (sizes: BENCH_NOT_DUE, BENCH_DUE; provider round trip: BENCH_LATENCY_MS)");
} finally {
  for (const worker of workers) await worker.stop();
  await sql.end();
  await Promise.all([fast.stop(), slow.stop()]);
  await database.stop();
}
