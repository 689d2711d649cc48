import { databaseFor } from "./db/client";
import type { Env } from "./env";
import { errorFields, log } from "./http/log";
import { pruneChanges } from "./services/changes";
import { pruneIdempotencyKeys } from "./services/idempotency";

/**
 * Deletes what has outlived its use: stored idempotent responses past their 24-hour window, and
 * change-log history older than CHANGES_RETENTION_HOURS (a client behind that gets 410 and reloads).
 */
export async function pruneExpired(env: Env) {
  const { db, close } = databaseFor(env);
  try {
    const idempotencyKeys = await pruneIdempotencyKeys(db);
    const changes = await pruneChanges({ db }, Number(env.CHANGES_RETENTION_HOURS));
    log(undefined, "info", "pruned", { idempotency_keys: idempotencyKeys, ...changes });
  } catch (err) {
    log(undefined, "error", "pruning failed", errorFields(err));
  } finally {
    await close();
  }
}
