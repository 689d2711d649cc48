import type { Env } from "./env";
import { errorFields, log } from "./http/log";
import { pruneChanges } from "./services/changes";
import { pruneIdempotencyKeys } from "./services/idempotency";
import { settingsOf } from "./settings";
import { beginUnitOfWork } from "./work/unit-of-work";

/**
 * Deletes what has outlived its use: stored idempotent responses past their 24-hour window, and
 * change-log history older than CHANGES_RETENTION_HOURS (a client behind that gets 410 and reloads).
 * It never throws: a failure is logged, and the next minute tries again.
 */
export async function pruneExpired(env: Env) {
  let work: ReturnType<typeof beginUnitOfWork> | undefined;
  try {
    const { retention } = settingsOf(env);
    work = beginUnitOfWork(env);
    const idempotencyKeys = await pruneIdempotencyKeys(work.store);
    const changes = await pruneChanges(work.store, { retentionHours: retention.changesHours });
    log(undefined, "info", "pruned", { idempotency_keys: idempotencyKeys, ...changes });
  } catch (err) {
    log(undefined, "error", "pruning failed", errorFields(err));
  } finally {
    await work?.close();
  }
}
