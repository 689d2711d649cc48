import { env, SELF } from "cloudflare:test";
import postgres from "postgres";
import { createApiClient } from "../client/api";
import { createDatabase } from "../worker/db/client";
import type { Store } from "../worker/services/store";
import { settingsOf } from "../worker/settings";

export const BASE = "http://sync.test";

/**
 * Calls the Worker with JSON, the way an agent would: as the admin unless `headers` brings its own
 * `authorization` (an empty string sends none).
 */
export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const { authorization = `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}`, ...rest } = headers;
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(authorization ? { authorization } : {}),
      ...rest,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  // An event stream (GET /mcp) stays open for its whole bounded life: what matters is that it opened.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, headers: res.headers, body: null as any };
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

/** The Worker under test's own fetch, for clients that take one (the typed client, the MCP client). */
export const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init)) as typeof fetch;

/** The typed client (client/api.ts) against the Worker under test: as the admin unless given a key. */
export function api(key = (env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN!) {
  return createApiClient(BASE, key, { fetch: workerFetch });
}

/**
 * A direct database connection, for checking effects behind the API's back. Left open: workerd
 * closes it with the test isolate, and postgres.js's own end() races its socket reader there.
 */
export function database() {
  return postgres(env.HYPERDRIVE.connectionString, { max: 2, fetch_types: false, onnotice: () => {} });
}

/**
 * A services' store over `connectionString` (default: the test database), as a unit of work makes
 * one; `committed` collects the transactions it reports.
 */
export function testStore(connectionString = env.HYPERDRIVE.connectionString) {
  const committed: string[] = [];
  const { db, pipeline } = createDatabase(connectionString);
  const store: Store = {
    db,
    pipeline,
    attachments: env.ATTACHMENTS,
    time: settingsOf(env).time,
    onCommitted: (txid) => committed.push(txid),
  };
  return Object.assign(store, { committed });
}

/**
 * A time window no other test uses, so list filters on due time isolate this test's rows even
 * while other files write in parallel.
 */
export function uniqueWindow(hours = 24) {
  const start = Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 1e5) * 3_600_000 * 48;
  const at = (h: number) => new Date(start + h * 3_600_000).toISOString();
  return { at, from: at(0), to: at(hours) };
}

export function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  if (!res.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${res.headers.get("content-type")}`);
  }
  if (res.body.status !== status || typeof res.body.detail !== "string" || typeof res.body.type !== "string") {
    throw new Error(`not a problem document: ${JSON.stringify(res.body)}`);
  }
  return res.body as { type: string; title: string; detail: string; errors?: { path: string; message: string }[] };
}

/** Creates an API key with `scopes` through the admin API and returns its secret and id. */
export async function createKey(scopes: string[], name = "test key") {
  const res = await call("POST", "/api-keys", { name, scopes });
  if (res.status !== 201) throw new Error(`could not create key: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, key: res.body.key as string, bearer: `Bearer ${res.body.key}` };
}

/**
 * A second migrated database that only the change-log tests use, for what would disturb the
 * others: pruning the log, holding the seq counter's lock.
 */
export function scratchDatabaseUrl(): string {
  return (env as unknown as { SCRATCH: Hyperdrive }).SCRATCH.connectionString;
}

/** The first change to `id` in `GET /changes`, paged from the start, that `match` accepts. */
export async function changeOf(id: string, match: (change: any) => boolean) {
  let since = 0;
  for (;;) {
    const page = (await call("GET", `/changes?since=${since}&limit=1000`)).body;
    const found = page.changes.find((c: any) => c.id === id && match(c));
    if (found || !page.has_more) return found;
    since = page.next_since;
  }
}
