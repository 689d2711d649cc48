import autocannon from "autocannon";
import { ENDPOINTS, type Endpoint } from "../lib/endpoints.ts";
import { requestsOf } from "../lib/http-load.ts";
import { groupCpuMs } from "../lib/process-cpu.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { ADMIN_TOKEN, startApp, startHello } from "../lib/stack.ts";

export interface CpuContext {
  quick: boolean;
  /** PgBouncer in front of Postgres, as in scenario 1's pooled path. */
  poolerUrl: string;
}

/** The app's excess over the constant-JSON Worker that issue #21 allows, per endpoint. */
const GOALS: Partial<Record<string, number>> = { "GET /tasks/{id}": 2, "POST /tasks": 3 };
const HELLO: Endpoint = { name: "GET / (constant JSON)", method: "GET", path: () => "/", status: 200 };
const CASES = [
  ENDPOINTS.getTask,
  ENDPOINTS.listTasks,
  ENDPOINTS.createTask,
  ENDPOINTS.patchTask,
  ENDPOINTS.changes,
  ENDPOINTS.createReminder,
];

/** `amount` requests at `connections` keep-alive connections; throws unless every one got the expected status. */
async function fire(baseUrl: string, endpoint: Endpoint, amount: number, headers: Record<string, string>) {
  const result = await autocannon({
    url: baseUrl,
    connections: Math.min(8, amount),
    amount,
    ...requestsOf(endpoint, headers),
  });
  const ok = result[`${Math.floor(endpoint.status / 100)}xx` as "2xx"] ?? 0;
  if (ok !== amount) throw new Error(`${endpoint.name}: ${amount - ok} of ${amount} requests got another status`);
}

/**
 * CPU of workerd per request: the process's CPU time (/proc/<pid>/stat) over a fixed number of
 * requests, divided by them, after a warm-up (a cold isolate's startup is scenario 5's). Several
 * rounds, the median kept: USER_HZ ticks are 10 ms, so a round must hold thousands of milliseconds.
 */
async function cpuPerRequest(
  pgid: number,
  url: string,
  endpoint: Endpoint,
  headers: Record<string, string>,
  quick: boolean,
) {
  const [warmup, amount, rounds] = quick ? [100, 300, 1] : [200, 800, 3];
  await fire(url, endpoint, warmup, headers);
  const perRequest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = groupCpuMs(pgid);
    await fire(url, endpoint, amount, headers);
    perRequest.push((groupCpuMs(pgid) - before) / amount);
  }
  return { ms: percentile(perRequest, 50), spread: [Math.min(...perRequest), Math.max(...perRequest)] };
}

/**
 * CPU of a fresh isolate's first request: what startup left for it to load (issue #21 defers the
 * app's modules to first use). One request, so the figure has /proc's 10 ms resolution.
 */
async function firstRequestCpu(pgid: number, url: string, endpoint: Endpoint, headers: Record<string, string>) {
  const before = groupCpuMs(pgid);
  await fire(url, endpoint, 1, headers);
  return groupCpuMs(pgid) - before;
}

/** Scenario 7: workerd's CPU per request for each REST endpoint, against the constant-JSON Worker's. */
export async function cpu(ctx: CpuContext): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const [app, hello] = [await startApp(ctx.poolerUrl), await startHello()];
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  try {
    const [appFirst, helloFirst] = [
      await firstRequestCpu(app.pid, app.url, ENDPOINTS.getTask, admin),
      await firstRequestCpu(hello.pid, hello.url, HELLO, {}),
    ];
    rows.push({
      scenario: "7 CPU",
      case: "GET /tasks/{id}: CPU of a fresh isolate's first request",
      p50Ms: round(appFirst, 1),
      limit: "—",
      note: `the constant-JSON Worker's first: ${round(helloFirst, 1)} ms; one request each, /proc counts in 10 ms ticks`,
    });
    const bare = await cpuPerRequest(hello.pid, hello.url, HELLO, {}, ctx.quick);
    rows.push({
      scenario: "7 CPU",
      case: "constant-JSON Worker: CPU per request",
      p50Ms: round(bare.ms, 2),
      limit: "—",
      note: `rounds ranged ${round(bare.spread[0], 2)}–${round(bare.spread[1], 2)} ms`,
    });
    for (const endpoint of CASES) {
      const measured = await cpuPerRequest(app.pid, app.url, endpoint, admin, ctx.quick);
      const excess = measured.ms - bare.ms;
      const goal = GOALS[endpoint.name];
      rows.push({
        scenario: "7 CPU",
        case: `${endpoint.name}: CPU per request, pooled`,
        p50Ms: round(measured.ms, 2),
        limit: goal ? `excess over the constant-JSON Worker ≤ ${goal} ms` : "—",
        ratio: goal ? round(excess / goal, 2) : undefined,
        note: `excess ${round(excess, 2)} ms; rounds ranged ${round(measured.spread[0], 2)}–${round(measured.spread[1], 2)} ms`,
      });
    }
  } finally {
    await Promise.all([app.stop(), hello.stop()]);
  }
  return {
    title: "7. CPU per request: workerd's process CPU over a fixed number of requests",
    ratioMeaning: "the app's CPU per request minus the constant-JSON Worker's, ÷ the goal of issue #21 (≤ 1 meets it)",
    rows,
    notes: [
      "workerd's user + system time from /proc/<pid>/stat (utime, stime) before and after a fixed number of requests at 8 keep-alive connections, after a warm-up, divided by the requests; the median of the rounds. It counts everything workerd does for a request (HTTP, the Worker's JavaScript, the database socket through PgBouncer, the room's Durable Object for writes), not wrangler's Node process or the load generator. The bare Hono Worker on the same server under the same `wrangler dev` is the floor.",
      "Requests carry the operator's ADMIN_TOKEN (no key lookup); writes publish to the room after commit, as in production.",
    ],
  };
}
