/**
 * `npm run bench`: every scenario against the limit it is set against, on this machine, in one run.
 * Starts its own PostgreSQL, PgBouncer, delaying proxy and `wrangler dev` Workers; writes
 * bench/RESULTS.md and bench/latency.svg. BENCH_QUICK=1 is a smoke run (a minute or so);
 * BENCH_ONLY=edge,rest,live,catchup,scan,lateness,footprint,cpu picks scenarios.
 */

import { startDelayProxy } from "./lib/delay-proxy.ts";
import { SEEDED } from "./lib/endpoints.ts";
import { captureHandlerSql } from "./lib/handler-sql.ts";
import { machine } from "./lib/machine.ts";
import { hasPgbouncer, startPgbouncer } from "./lib/pgbouncer.ts";
import { currentCommit, writeResults } from "./lib/report.ts";
import type { ScenarioResult } from "./lib/result.ts";
import { seedTasks, startApp, startDatabase } from "./lib/stack.ts";
import { catchUp } from "./scenarios/catchup.ts";
import { cpu } from "./scenarios/cpu.ts";
import { edgeDistance } from "./scenarios/edge.ts";
import { edgeFootprint } from "./scenarios/footprint.ts";
import { reminderLateness } from "./scenarios/lateness.ts";
import { LIVE_VARS, livePath } from "./scenarios/live.ts";
import { rest } from "./scenarios/rest.ts";
import { reminderScan } from "./scenarios/scan.ts";

const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const wanted = (name: string) => !only || only.includes(name);
const DELAY_MS = 25;

if (!hasPgbouncer()) {
  console.error("npm run bench needs PgBouncer (apt-get install pgbouncer) and PostgreSQL's server binaries.");
  process.exit(1);
}

const cleanup: (() => Promise<void>)[] = [];
const results: ScenarioResult[] = [];
const startedAt = Date.now();
const info = machine();
const commit = currentCommit();
console.log(
  `machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}, workerd ${info.workerd}`,
);
console.log(`         ${info.postgres}, ${info.pgbouncer}, load ${info.load}${quick ? ", BENCH_QUICK=1" : ""}`);

let lastReport = Date.now();
function report(result: ScenarioResult) {
  results.push(result);
  console.log(`\n${result.title} (${Math.round((Date.now() - lastReport) / 1000)} s)`);
  lastReport = Date.now();
  for (const row of result.rows) console.log(`  ${JSON.stringify(row)}`);
}

try {
  const db = await startDatabase();
  cleanup.unshift(() => db.stop());
  let deletes = 0;
  await seedTasks(db.sql, SEEDED + (quick ? 200 : 2000));
  const nextDeletable = () => deletes++;

  const target = { host: "127.0.0.1", port: db.port };
  const pooler = await startPgbouncer(target);
  cleanup.unshift(() => pooler.stop());

  if (wanted("edge")) {
    const proxy = await startDelayProxy(target, DELAY_MS);
    const farPooler = await startPgbouncer({ host: "127.0.0.1", port: proxy.port });
    const [far, near] = [await startApp(farPooler.url), await startApp(pooler.url)];
    try {
      report(await edgeDistance({ quick, edgeUrl: far.url, localUrl: near.url, delayMs: DELAY_MS, nextDeletable }));
    } finally {
      await Promise.all([far.stop(), near.stop()]);
      await farPooler.stop();
      await proxy.stop();
    }
  }

  if (wanted("rest")) {
    const scripts = await captureHandlerSql(db.url);
    report(await rest({ quick, databaseUrl: db.url, poolerUrl: pooler.url, scripts }));
  }

  if (wanted("live")) {
    const app = await startApp(pooler.url, LIVE_VARS);
    try {
      report(await livePath({ quick, app }));
    } finally {
      await app.stop();
    }
  }

  if (wanted("catchup")) report(await catchUp({ quick, db, databaseUrl: pooler.url }));
  if (wanted("scan")) report(await reminderScan({ quick, db, databaseUrl: pooler.url }));
  if (wanted("lateness")) report(await reminderLateness({ quick, db, databaseUrl: pooler.url }));
  if (wanted("footprint")) report(await edgeFootprint({ quick, databaseUrl: pooler.url }));
  if (wanted("cpu")) report(await cpu({ quick, poolerUrl: pooler.url }));

  const elapsed = (Date.now() - startedAt) / 1000;
  writeResults({ machine: info, commit, quick, elapsedSeconds: elapsed, results });
  console.log(`\ndone in ${elapsed.toFixed(0)} s; bench/RESULTS${quick ? "-quick" : ""}.md written`);
} finally {
  for (const stop of cleanup) await stop().catch((err) => console.error(err));
}
