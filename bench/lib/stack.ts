import { existsSync, readFileSync, writeFileSync } from "node:fs";
import postgres from "postgres";
import { migrateDatabase } from "../../scripts/lib/migrate.ts";
import { type RunningDatabase, startThrowawayPostgres } from "../../scripts/lib/postgres.ts";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";
import { API_SCOPES } from "../../worker/db/schema/api-keys.ts";
import { trackStatementsIn } from "./statements.ts";

const root = new URL("../..", import.meta.url).pathname;
export const ADMIN_TOKEN = "bench-admin-token-not-a-secret";

/**
 * wrangler.toml with the per-key rate limit lifted (the bench sends far more than 300 requests a
 * minute from one key; the limiter is still called on every request). Written next to wrangler.toml
 * so its relative paths still resolve; git ignores it.
 */
function benchConfig() {
  const path = `${root}.bench.wrangler.toml`;
  const original = readFileSync(`${root}wrangler.toml`, "utf8");
  const lifted = original.replace(
    /simple = \{ limit = \d+, period = 60 \}/,
    "simple = { limit = 1000000000, period = 60 }",
  );
  if (lifted === original) throw new Error("wrangler.toml: the [[ratelimits]] line the bench lifts was not found");
  // Written only when it changes: a running `wrangler dev` watches its config and restarts on any
  // write, refusing connections meanwhile (a second Worker starting would knock out the first).
  if (!existsSync(path) || readFileSync(path, "utf8") !== lifted) writeFileSync(path, lifted);
  return path;
}

/**
 * The whole Worker (API, room, cron) under `wrangler dev`, its Hyperdrive binding pointed at `databaseUrl`.
 * wrangler drops the Worker's `console.log` lines below `logLevel` "log"; a scenario that reads them
 * (the scan's report) asks for that. `pollMs` is how often /health is tried while it starts.
 */
export function startApp(
  databaseUrl: string,
  vars: Record<string, string> = {},
  options: { logLevel?: "warn" | "log"; pollMs?: number; flags?: string[] } = {},
): Promise<RunningWorker> {
  return startWranglerDev({
    databaseUrl,
    flags: ["--config", benchConfig(), `--log-level=${options.logLevel ?? "warn"}`, ...(options.flags ?? [])],
    vars: { ADMIN_TOKEN, LOG_LEVEL: "warn", ...vars },
    pollMs: options.pollMs,
  });
}

/** bench/hello: a bare Hono Worker answering a constant JSON, the runtime's ceiling on this machine. */
export function startHello(pollMs?: number): Promise<RunningWorker> {
  return startWranglerDev({
    databaseUrl: "postgres://unused:unused@127.0.0.1:1/unused",
    flags: ["--config", `${root}bench/hello/wrangler.toml`, "--log-level=warn"],
    pollMs,
  });
}

export interface BenchDatabase extends RunningDatabase {
  port: number;
  /** A direct client for fixtures and checks. */
  sql: postgres.Sql;
}

/**
 * A throwaway PostgreSQL with synchronous commit on (as in production), migrated. pg_stat_statements
 * is loaded (it can only be loaded at start) but tracks nothing until a scenario turns it on
 * (lib/statements.ts), so it does not slow the scenarios that do not read it.
 */
export async function startDatabase(): Promise<BenchDatabase> {
  const database = await startThrowawayPostgres({
    durable: true,
    settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track_planning": "on" },
  });
  await migrateDatabase(database.url);
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  await sql`create extension if not exists pg_stat_statements`;
  await trackStatementsIn(sql, false);
  return {
    ...database,
    port: Number(new URL(database.url).port),
    sql,
    async stop() {
      await sql.end();
      await database.stop();
    },
  };
}

/** A real API key with every scope, made through the admin API like an operator would. */
export async function createApiKey(baseUrl: string) {
  const res = await fetch(`${baseUrl}/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", scopes: API_SCOPES }),
  });
  if (res.status !== 201) throw new Error(`creating the bench key failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/**
 * Seeded tasks have predictable ids, `SEEDED_ID_PREFIX` + a 6-digit number from `SEEDED_ID_BASE` up,
 * so pgbench scripts can address the same rows as the HTTP load.
 */
export const SEEDED_ID_PREFIX = "00000000-0000-4000-8000-000000";
export const SEEDED_ID_BASE = 100000;
export const seededTaskId = (i: number) => `${SEEDED_ID_PREFIX}${SEEDED_ID_BASE + i}`;

/** Seeds `count` pending tasks with ids `seededTaskId(0 … count - 1)`. */
export async function seedTasks(sql: postgres.Sql, count: number) {
  await sql`
    insert into tasks (id, title, description, source)
    select (${SEEDED_ID_PREFIX}::text || (${SEEDED_ID_BASE}::int + i))::uuid,
           'Bench task ' || i, 'Seeded for the benchmark', 'system'
    from generate_series(0, ${count - 1}) as i
    on conflict (id) do nothing`;
  await sql`analyze tasks`;
}
