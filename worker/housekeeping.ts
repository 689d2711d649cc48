import type { Env } from "./env";
import { errorFields, log } from "./http/log";
import { pruneChanges } from "./services/changes";
import { pruneIdempotencyKeys } from "./services/idempotency";
import { settingsOf } from "./settings";
import { webhookHousekeeping } from "./webhooks/subscriptions";
import { beginUnitOfWork } from "./work/unit-of-work";

/**
 * Deletes what has outlived its use: stored idempotent responses past their 24-hour window, and
 * change-log history older than CHANGES_RETENTION_HOURS (a client behind that gets 410 and reloads)
 * except what an enabled webhook subscription has yet to send, and the webhook delivery log older
 * than WEBHOOK_LOG_DAYS.
 * It never throws: a failure is logged, and the next minute tries again.
 */
export async function pruneExpired(env: Env) {
  let work: ReturnType<typeof beginUnitOfWork> | undefined;
  try {
    const { retention, webhooks } = settingsOf(env);
    work = beginUnitOfWork(env);
    const idempotencyKeys = await pruneIdempotencyKeys(work.store);
    const { deliveriesDeleted, keepAfter } = await webhookHousekeeping(work.store, webhooks);
    const changes = await pruneChanges(work.store, { retentionHours: retention.changesHours, keepAfter });
    log(undefined, "info", "pruned", {
      idempotency_keys: idempotencyKeys,
      webhook_deliveries: deliveriesDeleted,
      ...changes,
    });
  } catch (err) {
    log(undefined, "error", "pruning failed", errorFields(err));
  } finally {
    await work?.close();
  }
}
