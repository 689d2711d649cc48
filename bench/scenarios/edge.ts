import { ENDPOINTS, type Endpoint, send } from "../lib/endpoints.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { ADMIN_TOKEN, createApiKey } from "../lib/stack.ts";

export interface EdgeContext {
  quick: boolean;
  /** The Worker whose database sits behind the delaying proxy. */
  edgeUrl: string;
  /** The same Worker and pooler with no delay: what the request costs besides the distance. */
  localUrl: string;
  /** One-way delay the proxy adds, ms. */
  delayMs: number;
  /** Numbers the DELETE victims come from; each request deletes a different seeded task. */
  nextDeletable: () => number;
}

type Auth = "admin token" | "API key" | "API key, first use" | "API key + Idempotency-Key";
const AUTHS: Auth[] = ["admin token", "API key", "API key, first use", "API key + Idempotency-Key"];

/**
 * Scenario 0: latency of one request at a time in round trips to a database 2 × delayMs away, the
 * one cost an edge deployment cannot hide. The limit is one round trip per consistent read or write.
 */
export async function edgeDistance(ctx: EdgeContext): Promise<ScenarioResult> {
  const samples = ctx.quick ? 3 : 9;
  const rtt = 2 * ctx.delayMs;
  const warmKey = { edge: await createApiKey(ctx.edgeUrl), local: await createApiKey(ctx.localUrl) };
  const rows: Row[] = [];
  let counter = 0;

  async function headersFor(auth: Auth, baseUrl: string, which: "edge" | "local") {
    const key =
      auth === "admin token"
        ? ADMIN_TOKEN
        : auth === "API key, first use"
          ? await createApiKey(baseUrl)
          : warmKey[which];
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (auth === "API key + Idempotency-Key") headers["idempotency-key"] = crypto.randomUUID();
    return headers;
  }

  async function measure(endpoint: Endpoint, auth: Auth, baseUrl: string, which: "edge" | "local") {
    // One warm-up request so the isolate, the pooler's server connections and the key cache are hot.
    const warm = endpoint === ENDPOINTS.deleteTask ? ctx.nextDeletable() : counter++;
    await send(
      baseUrl,
      endpoint,
      warm,
      await headersFor(auth === "API key, first use" ? "API key" : auth, baseUrl, which),
    );
    const times: number[] = [];
    for (let s = 0; s < samples; s++) {
      const i = endpoint === ENDPOINTS.deleteTask ? ctx.nextDeletable() : counter++;
      const headers = await headersFor(auth, baseUrl, which);
      times.push(await send(baseUrl, endpoint, i, headers));
    }
    return times;
  }

  for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
    for (const auth of AUTHS) {
      if (auth === "API key + Idempotency-Key" && endpoint.method === "GET") continue;
      const far = await measure(endpoint, auth, ctx.edgeUrl, "edge");
      const near = await measure(endpoint, auth, ctx.localUrl, "local");
      const p50 = percentile(far, 50);
      const local = percentile(near, 50);
      rows.push({
        scenario: "0 edge distance",
        case: `${endpoint.name}, ${auth}`,
        p50Ms: round(p50),
        p99Ms: round(percentile(far, 99)),
        maxMs: round(Math.max(...far)),
        limit: `1 round trip = ${rtt} ms`,
        ratio: round(p50 / rtt, 2),
        note: `${round((p50 - local) / rtt, 2)} round trips after subtracting the same request with no delay (${round(local)} ms)`,
      });
    }
  }
  return {
    title: `0. Edge distance: p50 latency in database round trips (${ctx.delayMs} ms each way between pooler and Postgres)`,
    ratioMeaning: "p50 ÷ one round trip; the limit is 1.0",
    rows,
  };
}
