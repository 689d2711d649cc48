import { ENDPOINTS, type Endpoint } from "../lib/endpoints.ts";
import type { HandlerScripts } from "../lib/handler-sql.ts";
import { load } from "../lib/http-load.ts";
import { sampleMemory } from "../lib/memory.ts";
import { pgbench } from "../lib/pgbench.ts";
import { type Row, round, type ScenarioResult } from "../lib/result.ts";
import { ADMIN_TOKEN, startApp, startHello } from "../lib/stack.ts";

export interface RestContext {
  quick: boolean;
  /** Postgres itself: the direct path, and where pgbench runs. */
  databaseUrl: string;
  /** PgBouncer in transaction mode in front of it, the stand-in for Hyperdrive's pool. */
  poolerUrl: string;
  scripts: HandlerScripts;
}

const CASES: [keyof HandlerScripts, Endpoint][] = [
  ["createTask", ENDPOINTS.createTask],
  ["getTask", ENDPOINTS.getTask],
  ["listTasks", ENDPOINTS.listTasks],
  ["patchTask", ENDPOINTS.patchTask],
];

/**
 * Scenario 1: throughput and latency of four endpoints at 32 and 256 connections, direct and
 * pooled, set against the runtime's ceiling (a constant-JSON Worker) and the database's (pgbench
 * running the handler's own statements, pooled and with a connection per transaction).
 */
export async function rest(ctx: RestContext): Promise<ScenarioResult> {
  // At 256 connections a request waits behind the others for seconds; the window must hold many of those.
  const secondsAt = (connections: number) => (ctx.quick ? 2 : connections > 32 ? 8 : 4);
  const warmupSeconds = 1;
  const dbSeconds = 2;
  const concurrencies = ctx.quick ? [32] : [32, 256];
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const rows: Row[] = [];
  const notes: string[] = [];

  for (const connections of concurrencies) {
    const seconds = secondsAt(connections);
    // Fresh Workers for each concurrency: workerd under wrangler dev keeps growing with every request
    // it serves (the bare Hono Worker too), and a bloated process would tax the next level.
    const [direct, pooled, helloWorker] = [
      await startApp(ctx.databaseUrl),
      await startApp(ctx.poolerUrl),
      await startHello(),
    ];
    try {
      const memory = sampleMemory(helloWorker.pid);
      const hello = await load(
        helloWorker.url,
        { name: "GET / (constant JSON)", method: "GET", path: () => "/", status: 200 },
        {
          connections,
          seconds,
          warmupSeconds,
          headers: {},
        },
      );
      rows.push({
        scenario: "1 REST",
        case: `limit (a): constant-JSON Worker, ${connections} conn`,
        throughput: round(hello.rps, 0),
        unit: "req/s",
        p50Ms: hello.p50Ms,
        p99Ms: hello.p99Ms,
        maxMs: hello.maxMs,
        peakMiB: round(memory.stop(), 0),
        limit: "—",
      });

      for (const [script, endpoint] of CASES) {
        const [pooledDb, perConnection] = [
          await pgbench(ctx.databaseUrl, ctx.scripts[script], { clients: connections, seconds: dbSeconds }),
          await pgbench(ctx.databaseUrl, ctx.scripts[script], {
            clients: connections,
            seconds: dbSeconds,
            connectEach: true,
          }),
        ];
        for (const [label, result] of [
          ["pgbench, pooled", pooledDb],
          ["pgbench -C, connection per transaction", perConnection],
        ] as const) {
          rows.push({
            scenario: "1 REST",
            case: `limit (b): ${endpoint.name} SQL, ${label}, ${connections} conn`,
            throughput: round(result.tps, 0),
            unit: "tx/s",
            p50Ms: round(result.p50Ms, 2),
            p99Ms: round(result.p99Ms, 2),
            maxMs: round(result.maxMs, 1),
            limit: "—",
          });
        }
        for (const [path, worker] of [
          ["direct", direct],
          ["pooled (PgBouncer)", pooled],
        ] as const) {
          const memory = sampleMemory(worker.pid);
          const result = await load(worker.url, endpoint, { connections, seconds, warmupSeconds, headers });
          if (result.unexpected > 0 || result.errors > 0) {
            notes.push(
              `${endpoint.name} ${path} at ${connections} connections: ${result.unexpected} unexpected statuses, ${result.errors} errors/timeouts.`,
            );
          }
          const tighter = Math.min(hello.rps, pooledDb.tps);
          rows.push({
            scenario: "1 REST",
            case: `${endpoint.name}, ${path}, ${connections} conn`,
            throughput: round(result.rps, 0),
            unit: "req/s",
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            maxMs: result.maxMs,
            peakMiB: round(memory.stop(), 0),
            limit: tighter === hello.rps ? "constant-JSON Worker" : "pgbench, pooled",
            ratio: round(result.rps / tighter, 3),
            note: `${round(result.rps / hello.rps, 3)} of the runtime's ceiling, ${round(result.rps / pooledDb.tps, 3)} of pgbench pooled, ${round(result.rps / perConnection.tps, 3)} of pgbench -C`,
          });
        }
      }
    } finally {
      await Promise.all([direct.stop(), pooled.stop(), helloWorker.stop()]);
    }
  }
  notes.push(
    "Load generator: autocannon (keep-alive HTTP/1.1) in the bench's Node process; pgbench with -M extended and -j 2. Everything shares the machine's cores, so the load generator's own CPU is part of every number, the limits' included.",
    "The pgbench scripts are the statements the services send (captured through drizzle's logger), including the change-log read that publishes a write to the room after the response.",
  );
  return {
    title: "1. REST throughput: four endpoints against the runtime's and the database's ceilings",
    ratioMeaning: "requests/s ÷ the tighter of the two limits at the same concurrency (1 = at the limit)",
    rows,
    notes,
  };
}
