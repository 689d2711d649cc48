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
 * autocannon's headers and request for `endpoint`, each request addressing another row (ids rotate
 * from a random start, like the pgbench script's random row).
 */
export function requestsOf(endpoint: Endpoint, headers: Record<string, string>) {
  let i = Math.floor(Math.random() * 1_000_000);
  return {
    headers: { ...headers, ...(endpoint.body ? { "content-type": "application/json" } : {}) },
    requests: [
      {
        method: endpoint.method,
        setupRequest: (req: autocannon.Request) => {
          i++;
          return { ...req, path: endpoint.path(i), body: endpoint.body ? JSON.stringify(endpoint.body(i)) : undefined };
        },
      },
    ],
  };
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
  // One rotation for the warm-up and the measured run, so they address different rows.
  const requests = requestsOf(endpoint, options.headers);
  const run = (seconds: number, connections: number) =>
    autocannon({ url: baseUrl, connections, duration: seconds, ...requests });
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
