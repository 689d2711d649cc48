import autocannon from "autocannon";
import type { Endpoint } from "./endpoints.ts";

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** Responses whose status was not the endpoint's expected one. */
  unexpected: number;
}

/**
 * `connections` keep-alive connections hammering one endpoint for `seconds` after a short warm-up,
 * each request addressing another row (ids rotate like the pgbench script's random row).
 */
export async function load(
  baseUrl: string,
  endpoint: Endpoint,
  options: { connections: number; seconds: number; headers: Record<string, string>; warmupSeconds?: number },
): Promise<LoadResult> {
  let i = Math.floor(Math.random() * 1_000_000);
  const run = (seconds: number, connections: number) =>
    autocannon({
      url: baseUrl,
      connections,
      duration: seconds,
      headers: { ...options.headers, ...(endpoint.body ? { "content-type": "application/json" } : {}) },
      requests: [
        {
          method: endpoint.method,
          setupRequest: (req) => {
            i++;
            return {
              ...req,
              path: endpoint.path(i),
              body: endpoint.body ? JSON.stringify(endpoint.body(i)) : undefined,
            };
          },
        },
      ],
    });
  // A light warm-up: a full-concurrency one would leave hundreds of abandoned requests for the
  // measured window to wait behind.
  if (options.warmupSeconds) await run(options.warmupSeconds, Math.min(options.connections, 8));
  const result = await run(options.seconds, options.connections);
  const expected = `${Math.floor(endpoint.status / 100)}xx` as "2xx";
  const ok = result[expected] ?? 0;
  const total = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  return {
    rps: ok / options.seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    unexpected: total - ok,
  };
}
