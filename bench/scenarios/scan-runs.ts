import type postgres from "postgres";
import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { unloadReminders } from "../../test/bulk.ts";
import { type FakeProviders, providerVars, startFakeProviders } from "../../test/setup/fakes.ts";
import type { ScanReport } from "../../worker/reminders/scan.ts";
import { triggerCron } from "../lib/cron.ts";
import { deliveredTo, loadDue, SCAN_SHIPPED } from "../lib/reminders.ts";
import { type Row, round } from "../lib/result.ts";
import { startApp } from "../lib/stack.ts";

/**
 * The reminder clock off, so the cron alone scans: with it on, a run stopped by its budget re-arms the
 * clock at once and its alarm scans beside the next cron run, and each scan's report is counted here.
 */
export const CRON_ALONE = { SCAN_CLOCK: "off" };

/** Recipients of each run's own due reminders start with these, so the fakes count each apart. */
const OVERLAP_TAG = "55511";
const DEFAULTS_TAG = "55512";
const n = (x: number) => Math.round(x).toLocaleString("en-US");
const summary = (r: ScanReport) => `${n(r.sent)} sent in ${round(r.elapsedMs / 1000)} s (stopped by ${r.stoppedBy})`;
const perSecond = (count: number, ms: number) => (count / ms) * 1000;

/** Throws when a recipient got a reminder twice: the claims must split the work, never share it. */
function deliveredOnce(got: Awaited<ReturnType<typeof deliveredTo>>, what: string) {
  if (got.calls !== got.recipients) {
    throw new Error(`${what}: ${got.calls} deliveries to ${got.recipients} recipients, so some got two`);
  }
}

/** Cron runs one after another until one finds nothing due; the reports and the wall time of each. */
export async function runUntilDone(app: RunningWorker) {
  const runs: Awaited<ReturnType<typeof triggerCron>>[] = [];
  for (;;) {
    const run = await triggerCron(app);
    runs.push(run);
    if (run.reports[0]!.stoppedBy === "nothing due") return runs;
    // A run that delivers nothing yet stops for another reason would repeat forever.
    if (run.reports[0]!.sent === 0) throw new Error(`a cron run delivered nothing: ${JSON.stringify(run.reports[0])}`);
  }
}

/**
 * Two cron runs at once (a long run and the next minute's) over a fresh batch of `due`, on `app` as
 * the scenario's own runs left it: the claims (SKIP LOCKED) split the batch, nobody gets two messages.
 * Set against one run alone, `soloRate` reminders/s.
 */
export async function overlappingRuns(
  sql: postgres.Sql,
  app: RunningWorker,
  fakes: FakeProviders,
  { due, soloRate }: { due: number; soloRate: number },
): Promise<Row> {
  const task = await loadDue(sql, due, OVERLAP_TAG);
  try {
    const pair = await triggerCron(app, 2);
    const got = await deliveredTo(fakes, OVERLAP_TAG);
    deliveredOnce(got, "two overlapping runs");
    const rate = perSecond(got.calls, pair.wallMs);
    return {
      scenario: "4 reminder scan",
      case: `two cron runs at once over another ${n(due)} due, the same settings`,
      throughput: Math.round(rate),
      unit: "reminders/s",
      limit: `one run at a time (first row): ${n(soloRate)} reminders/s`,
      ratio: round(rate / soloRate, 3),
      note: `${pair.reports.map(summary).join(" + ")} in ${round(pair.wallMs / 1000)} s; ${n(got.calls)} deliveries to ${n(got.recipients)} recipients, 0 duplicates`,
    };
  } finally {
    // Whatever the budget left undelivered must not reach the next run.
    await unloadReminders(sql, [task]);
  }
}

/**
 * One cron run with wrangler.toml's scan settings untouched (the per-run cap included; the clock off,
 * as in the other runs) over `due` reminders, against fake providers that take `latencyMs` to answer,
 * as real ones do. Set against what the scan's concurrency allows at that round trip.
 */
export async function shippedDefaultsRun(
  sql: postgres.Sql,
  databaseUrl: string,
  { due, latencyMs }: { due: number; latencyMs: number },
): Promise<Row> {
  const slow = await startFakeProviders({ latencyMs });
  let app: RunningWorker | undefined;
  const task = await loadDue(sql, due, DEFAULTS_TAG);
  try {
    app = await startApp(databaseUrl, { ...providerVars(slow), ...CRON_ALONE }, { logLevel: "log" });
    const run = await triggerCron(app);
    const report = run.reports[0]!;
    const got = await deliveredTo(slow, DEFAULTS_TAG);
    deliveredOnce(got, "the run with the shipped defaults");
    const rate = perSecond(report.sent, run.wallMs);
    const limitRate = perSecond(SCAN_SHIPPED.concurrency, latencyMs);
    return {
      scenario: "4 reminder scan",
      case: `one cron run as shipped but SCAN_CLOCK=off (SCAN_MAX_PER_RUN=${n(SCAN_SHIPPED.maxPerRun)}, ${SCAN_SHIPPED.budgetMs / 1000} s budget) over ${n(due)} due, providers answering in ${latencyMs} ms`,
      throughput: Math.round(rate),
      unit: "reminders/s",
      limit: `${SCAN_SHIPPED.concurrency} provider calls in flight of ${latencyMs} ms each: ${n(limitRate)} reminders/s`,
      ratio: round(rate / limitRate, 3),
      note: `${summary(report)}, ${round(run.wallMs / 1000)} s in all; the fakes got ${n(got.calls)}`,
    };
  } finally {
    await app?.stop();
    await slow.stop();
    await unloadReminders(sql, [task]);
  }
}
