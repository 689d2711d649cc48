/**
 * `npm run bench:scan`: how the reminder scan behaves at scale on this machine.
 *
 * A throwaway PostgreSQL gets BENCH_NOT_DUE reminders that are not yet due and BENCH_DUE that are;
 * the claim query is EXPLAINed (ANALYZE, rolled back); then `wrangler dev` runs the cron's scheduled
 * handler against fake providers and the due reminders are counted as they arrive. Sizes and provider
 * latency come from the environment (defaults below).
 */
import { cpus, loadavg } from "node:os";
import postgres from "postgres";
import { triggerCron } from "../bench/lib/cron.ts";
import { deliveredTo, explainClaim, loadDue, loadNotDue } from "../bench/lib/reminders.ts";
import { unloadReminders } from "../test/bulk.ts";
import { providerVars, startFakeProviders } from "../test/setup/fakes.ts";
import type { ScanReport } from "../worker/reminders/scan.ts";
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

async function wrangler(fakes: typeof fast, vars: Record<string, string>) {
  const worker = await startWranglerDev({
    databaseUrl: database.url,
    vars: { ...providerVars(fakes), ...vars },
  });
  workers.push(worker);
  return worker;
}

const summary = (r: ScanReport) => `${n(r.sent)} sent in ${seconds(r.elapsedMs)} (stopped by ${r.stoppedBy})`;

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
  const idle = await loadNotDue(sql, NOT_DUE);
  const dueTask = await loadDue(sql, DUE, "55501");
  console.log(
    `fixtures  ${n(NOT_DUE)} not due (loaded in ${seconds(idle.loadMs)}) + ${n(DUE)} due, half Telegram, half WhatsApp`,
  );

  // 2. The claim query's plan and cost at that size (executed, then rolled back).
  const plan = await explainClaim(sql);
  console.log("\nclaim query (batch of 50), EXPLAIN ANALYZE:");
  for (const line of plan) console.log(`  ${line}`);

  // 3. Cron runs one after another until all of them are delivered, per-run cap lifted, instant fakes.
  const unlimited = await wrangler(fast, { SCAN_MAX_PER_RUN: String(DUE) });
  console.log(`\nruns one after another, SCAN_MAX_PER_RUN=${n(DUE)}, providers answering at once:`);
  let total = 0;
  for (let run = 1; run <= 10; run++) {
    const { wallMs, reports } = await triggerCron(unlimited);
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
  const overlapTask = await loadDue(sql, DUE, "55502");
  const pair = await triggerCron(unlimited, 2);
  const both = await deliveredTo(fast, "55502");
  console.log(`\ntwo overlapping runs over another ${n(DUE)} due:`);
  for (const r of pair.reports) console.log(`  ${summary(r)}`);
  console.log(
    `  together ${n(both.calls)} messages to ${n(both.recipients)} recipients (duplicates: ${n(both.calls - both.recipients)}) in ${seconds(pair.wallMs)}`,
  );
  await unloadReminders(sql, [overlapTask]);

  // 5. The shipped defaults against providers with a realistic round trip.
  const realTask = await loadDue(sql, DUE, "55503");
  const defaults = await wrangler(slow, {});
  const real = await triggerCron(defaults);
  const slowGot = await deliveredTo(slow, "55503");
  console.log(`\none run with the defaults (wrangler.toml) and ${LATENCY_MS} ms per provider call:`);
  console.log(`  ${real.reports.map(summary).join("; ")}; the fakes got ${n(slowGot.calls)}`);
  await unloadReminders(sql, [idle.taskId, realTask]);
  console.log("\nrerun: npm run bench:scan   (sizes: BENCH_NOT_DUE, BENCH_DUE; provider round trip: BENCH_LATENCY_MS)");
} finally {
  for (const worker of workers) await worker.stop();
  await sql.end();
  await Promise.all([fast.stop(), slow.stop()]);
  await database.stop();
}
