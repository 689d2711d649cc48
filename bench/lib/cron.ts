import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import type { ScanReport } from "../../worker/reminders/scan.ts";

/** The scan reports (the Worker logs one per run) that appeared in `worker`'s output after `from`. */
function reportsSince(worker: RunningWorker, from: number) {
  return worker
    .output()
    .slice(from)
    .split("\n")
    .filter((line) => line.includes('"msg":"reminder scan"'))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as ScanReport);
}

/**
 * Triggers `runs` cron runs at once through `wrangler dev --test-scheduled` and waits for all of
 * them (the endpoint answers once the run's `waitUntil` work is done, publishing included); returns
 * their reports and the wall time.
 */
export async function triggerCron(worker: RunningWorker, runs = 1) {
  const from = worker.output().length;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
      if (res.status !== 200) {
        throw new Error(
          `scheduled run failed: ${res.status} ${await res.text()}; the Worker said:\n${worker.output().slice(from).slice(-3000)}`,
        );
      }
    }),
  );
  const wallMs = Date.now() - started;
  // The log line can trail the HTTP answer by a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const reports = reportsSince(worker, from);
  if (reports.length !== runs) {
    throw new Error(`expected ${runs} scan report(s) in the Worker's log, found ${reports.length}`);
  }
  return { wallMs, reports };
}
