import { createDatabase } from "./db/client";
import type { Env } from "./env";
import { log } from "./http/log";
import { pruneIdempotencyKeys } from "./services/idempotency";

/** Deletes what has outlived its use: stored idempotent responses past their 24-hour window. */
export async function pruneExpired(env: Env) {
  const { db } = createDatabase(env.HYPERDRIVE.connectionString, {
    statementTimeoutMs: Number(env.DB_STATEMENT_TIMEOUT_MS),
    connectTimeoutSeconds: Number(env.DB_CONNECT_TIMEOUT_S),
  });
  try {
    const idempotencyKeys = await pruneIdempotencyKeys(db);
    log(undefined, "info", "pruned", { idempotency_keys: idempotencyKeys });
  } catch (err) {
    log(undefined, "error", "pruning failed", { error: String(err) });
  }
}
