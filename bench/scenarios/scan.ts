import { cpus } from "node:os";
import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { unloadReminders } from "../../test/bulk.ts";
import { providerVars, startFakeProviders } from "../../test/setup/fakes.ts";
import { sampleMemory } from "../lib/memory.ts";
import { pgbench } from "../lib/pgbench.ts";
import {
  claimQuery,
  deliveredTo,
  explainClaim,
  inlineParameters,
  loadDue,
  loadNotDue,
  SCAN_SHIPPED,
} from "../lib/reminders.ts";
import { type Row, round, type ScenarioResult } from "../lib/result.ts";
import { type BenchDatabase, startApp } from "../lib/stack.ts";
import { type StatementTime, trackStatements } from "../lib/statements.ts";
import { CRON_ALONE, overlappingRuns, runUntilDone, shippedDefaultsRun } from "./scan-runs.ts";

export interface ScanContext {
  quick: boolean;
  db: BenchDatabase;
  /** The database as the Worker reaches it: through the pooler that stands in for Hyperdrive. */
  databaseUrl: string;
}

/** Recipients of the due reminders start with this, so the fakes can count them. */
const TAG = "55510";
const n = (x: number) => Math.round(x).toLocaleString("en-US");

/** The scan's statements by what they do, told apart by text that only each of them has. */
const KINDS = [
  { kind: "claim", marker: "for update skip locked" },
  { kind: "record", marker: "jsonb_to_recordset" },
  { kind: "publish", marker: "= any(" },
] as const;
type Kind = (typeof KINDS)[number]["kind"] | "other";

function byKind(times: StatementTime[]) {
  const sums: Record<Kind, { calls: number; ms: number }> = {
    claim: { calls: 0, ms: 0 },
    record: { calls: 0, ms: 0 },
    publish: { calls: 0, ms: 0 },
    other: { calls: 0, ms: 0 },
  };
  for (const t of times) {
    // The bench's own bookkeeping is not the scan's.
    if (/pg_stat_statements|pg_reload_conf|alter system/i.test(t.query)) continue;
    const kind = KINDS.find((k) => t.query.toLowerCase().includes(k.marker))?.kind ?? "other";
    sums[kind].calls += t.calls;
    sums[kind].ms += t.totalMs;
  }
  return sums;
}

/**
 * The limit: the claim statement alone, as the Worker renders it, in pgbench. Each claim is rolled
 * back, so it never consumes the fixture and every claim finds a full batch at the head of the due
 * index, as the scan's claims do. One client is the scan's own pace (its claims follow one another);
 * one per core shows what SKIP LOCKED lets overlapping runs share.
 */
async function claimLimit(databaseUrl: string, seconds: number) {
  const script = `begin;\n${inlineParameters(claimQuery())};\nrollback;\n`;
  const serial = await pgbench(databaseUrl, script, { clients: 1, seconds });
  const parallel = await pgbench(databaseUrl, script, { clients: cpus().length, seconds });
  return { serial, parallel };
}

/**
 * Scenario 4: `due` reminders among `notDue` armed ones, delivered through the cron to fake providers
 * on loopback that answer at once, with the per-run cap lifted so runs end by their time budget or
 * when nothing is due. Reminders per second, and the database time the runs cost, against the claim
 * statement alone in pgbench; then two runs at once, and one run as shipped against providers that
 * take `BENCH_SCAN_LATENCY_MS` to answer.
 */
export async function reminderScan(ctx: ScanContext): Promise<ScenarioResult> {
  const notDue = Number(process.env.BENCH_SCAN_NOT_DUE) || (ctx.quick ? 20_000 : 1_000_000);
  const due = Number(process.env.BENCH_SCAN_DUE) || (ctx.quick ? 2_000 : 100_000);
  const latencyMs = Number(process.env.BENCH_SCAN_LATENCY_MS) || 100;
  const sql = ctx.db.sql;
  const batch = SCAN_SHIPPED.batchSize;
  const fakes = await startFakeProviders();
  let app: RunningWorker | undefined;
  try {
    const idle = await loadNotDue(sql, notDue);
    const dueTask = await loadDue(sql, due, TAG);
    // Settled pages (hint bits, visibility map) and fresh statistics, so pgbench and the app start alike.
    await sql`vacuum analyze reminders`;
    const plan = await explainClaim(sql);

    const limit = await claimLimit(ctx.db.url, ctx.quick ? 2 : 5);
    // The rolled-back claims left dead row versions at the head of the due index; the app starts clean.
    await sql`vacuum reminders`;
    const limitRate = limit.serial.tps * batch;

    app = await startApp(
      ctx.databaseUrl,
      { ...providerVars(fakes), ...CRON_ALONE, SCAN_MAX_PER_RUN: String(due) },
      { logLevel: "log" },
    );
    const statements = await trackStatements(sql);
    const memory = sampleMemory(app.pid);
    const runs = await runUntilDone(app);
    const peakMiB = memory.stop();
    const db = byKind(await statements.stop());

    const got = await deliveredTo(fakes, TAG);
    const [state] = await sql<{ sent: string; left: string }[]>`
      select count(*) filter (where status = 'sent') as sent, count(*) filter (where status <> 'sent') as left
      from reminders where task_id = ${dueTask}`;
    if (got.calls !== due || got.recipients !== due || Number(state!.sent) !== due) {
      throw new Error(
        `expected ${due} deliveries to as many recipients, the fakes got ${got.calls} to ${got.recipients}; ` +
          `${state!.sent} marked sent, ${state!.left} not`,
      );
    }
    await unloadReminders(sql, [dueTask]);

    const wallMs = runs.reduce((sum, r) => sum + r.wallMs, 0);
    const scanMs = runs.reduce((sum, r) => sum + r.reports[0]!.elapsedMs, 0);
    const batches = runs.reduce((sum, r) => sum + r.reports[0]!.batches, 0);
    const appRate = (due / wallMs) * 1000;

    // Both among the same not-due reminders, as the runs above.
    const overlap = await overlappingRuns(sql, app, fakes, { due, soloRate: appRate });
    await app.stop();
    app = undefined;
    const defaults = await shippedDefaultsRun(sql, ctx.databaseUrl, { due, latencyMs });
    await unloadReminders(sql, [idle.taskId]);

    const claimRecordMs = db.claim.ms + db.record.ms;
    const dbMs = claimRecordMs + db.publish.ms + db.other.ms;
    const outsideMs = scanMs - claimRecordMs;
    const limitText = `claim alone in pgbench, 1 client: ${n(limitRate)} reminders/s`;
    const perBatch = (kind: Kind) => `${round(db[kind].ms / Math.max(1, db[kind].calls), 2)} ms × ${db[kind].calls}`;
    const pgbenchRow = (clients: number, result: typeof limit.serial): Row => ({
      scenario: "4 reminder scan",
      case: `claim statement alone (${batch} rows, as rendered by the Worker), pgbench -M extended -c ${clients}, each rolled back`,
      throughput: Math.round(result.tps * batch),
      unit: "reminders/s",
      limit: "this is the limit",
      p50Ms: round(result.p50Ms, 2),
      p99Ms: round(result.p99Ms, 2),
      note: `${n(result.tps)} claims/s`,
    });
    return {
      title: `4. Reminder scan: ${n(due)} due among ${n(notDue)} not due, fake providers answering at once`,
      ratioMeaning:
        "reminders/s ÷ the claim alone in pgbench on one connection (1 = the scan costs no more than its claims); " +
        "for two runs at once, ÷ one run alone; for the shipped defaults, ÷ what the calls in flight allow at the providers' round trip",
      rows: [
        {
          scenario: "4 reminder scan",
          case: `cron runs in turn until nothing is due; SCAN_CLOCK=off, SCAN_MAX_PER_RUN=${n(due)}, the rest as shipped (batch ${batch}, ${SCAN_SHIPPED.concurrency} at once, ${SCAN_SHIPPED.budgetMs / 1000} s budget)`,
          throughput: Math.round(appRate),
          unit: "reminders/s",
          peakMiB: round(peakMiB),
          limit: limitText,
          ratio: round(appRate / limitRate, 3),
          note: `${runs.length} runs, ${round(wallMs / 1000)} s; ${n(got.calls)} deliveries to ${n(got.recipients)} recipients, ${n(got.calls - got.recipients)} duplicates`,
        },
        {
          scenario: "4 reminder scan",
          case: "the same runs' database time in claim + record statements (pg_stat_statements)",
          throughput: Math.round((due / claimRecordMs) * 1000),
          unit: "reminders per database-second",
          limit: limitText,
          ratio: round(((due / claimRecordMs) * 1000) / limitRate, 3),
          note: `claim ${perBatch("claim")}, record ${perBatch("record")}`,
        },
        overlap,
        defaults,
        pgbenchRow(1, limit.serial),
        pgbenchRow(cpus().length, limit.parallel),
      ],
      notes: [
        `One scan's database time: ${n(dbMs / runs.length)} ms per run on average, ${round((100 * dbMs) / wallMs)} % of its wall time ` +
          `(over ${runs.length} runs: claim ${n(db.claim.ms)} ms, record ${n(db.record.ms)} ms, ` +
          `the room's publish query ${n(db.publish.ms)} ms, other ${n(db.other.ms)} ms).`,
        `Per batch of ${batch}: ${round(scanMs / batches)} ms on the scan's clock, ${round(claimRecordMs / batches)} ms of it in the claim and record statements; ` +
          `the other ${round(outsideMs / batches)} ms (${round(outsideMs / due, 2)} ms per delivery, ${SCAN_SHIPPED.concurrency} in flight) are the provider calls and the Worker's own work.`,
        `Each run's wall time exceeds its scan's clock by ${n((wallMs - scanMs) / runs.length)} ms on average: the invocation's work after the scan (publishing the run's changes to the room, housekeeping).`,
        `Fixtures: ${n(notDue)} not due loaded in ${round(idle.loadMs / 1000)} s. The claim's plan (EXPLAIN ANALYZE, rolled back) before the runs:`,
        ...plan.map((line) => `    ${line}`),
      ],
    };
  } finally {
    await app?.stop();
    await fakes.stop();
  }
}
