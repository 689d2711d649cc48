import type { Env } from "./env";
import { pruneExpired } from "./housekeeping";
import { scanDueReminders } from "./reminders/scheduled";

/**
 * Every minute: deliver due reminders, and prune what has expired. Each job runs in its own
 * `waitUntil` and fails on its own, so a broken scan setting never stops pruning, nor the reverse.
 */
export const scheduled: ExportedHandlerScheduledHandler<Env> = (controller, env, ctx) => {
  ctx.waitUntil(scanDueReminders(env, new Date(controller.scheduledTime), { cron: controller.cron }));
  ctx.waitUntil(pruneExpired(env));
};
