import type { Env } from "./env";
import { errorFields, log } from "./http/log";
import { sweepOrphanObjects } from "./services/attachment-sweep";
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

/** The cron's minute, once an hour, at which orphan attachment objects are swept. */
export const SWEEP_MINUTE = 17;
/** An object this young may be an upload whose row is still being written. */
export const SWEEP_GRACE_MS = 60 * 60_000;
/** 100 list calls of 1,000 keys: 100,000 objects an hour, the rest the next hour. */
const SWEEP_MAX_PAGES = 100;

/**
 * Once an hour: deletes attachment objects that have no row (an upload whose row was never
 * written, a deletion whose R2 call failed). Hourly, because listing the bucket is an R2 class A
 * operation, billed per call. It never throws: a failure is logged and the next hour tries again.
 */
export async function sweepAttachments(env: Env, at: Date) {
  if (at.getUTCMinutes() !== SWEEP_MINUTE || !env.ATTACHMENTS) return;
  // Opened inside the try: a bad database setting is this job's logged failure, like pruning's.
  let work: ReturnType<typeof beginUnitOfWork> | undefined;
  try {
    work = beginUnitOfWork(env);
    const swept = await sweepOrphanObjects(work.store, { now: at, graceMs: SWEEP_GRACE_MS, maxPages: SWEEP_MAX_PAGES });
    log(undefined, "info", "swept attachment objects", swept);
  } catch (err) {
    log(undefined, "error", "sweeping attachment objects failed", errorFields(err));
  } finally {
    await work?.close();
  }
}
