import type { Env } from "./env";
import { pruneExpired, sweepAttachments } from "./housekeeping";
import { log } from "./http/log";
import { scanDueReminders } from "./reminders/scheduled";
import { deliverWebhooks } from "./webhooks/run";
import { CLOCK_NAME } from "./work/clock-nudge";

/**
 * Every minute: deliver due reminders, re-sync the reminder clock with the database, and prune what
 * has expired (and, once an hour, attachment objects left without their row). Each job fails on its
 * own (settled, never awaited in turn), so a broken scan setting never stops pruning, nor the reverse.
 * The clock delivers on the second; this scan is its safety net. Webhook retries wait for this
 * minute too (README: Webhooks). index.ts runs it in one `waitUntil`, once this module has loaded.
 */
export function runScheduledJobs(controller: ScheduledController, env: Env) {
  return Promise.allSettled([
    scanDueReminders(env, new Date(controller.scheduledTime), { cron: controller.cron }),
    syncClock(env),
    pruneExpired(env),
    sweepAttachments(env, new Date(controller.scheduledTime)),
    // Webhook retries that came due, and the safety net for a write whose own run was lost.
    deliverWebhooks(env),
  ]);
}

async function syncClock(env: Env) {
  try {
    await env.CLOCK.get(env.CLOCK.idFromName(CLOCK_NAME)).sync();
  } catch (err) {
    log(undefined, "warn", "reminder clock sync failed", { error: String(err) });
  }
}
