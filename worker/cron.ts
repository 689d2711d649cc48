import type { Env } from "./env";
import { pruneExpired } from "./housekeeping";
import { scanReminders } from "./reminders/scheduled";

/** Every minute: deliver due reminders, and prune what has expired. */
export const scheduled: ExportedHandlerScheduledHandler<Env> = (controller, env, ctx) => {
  scanReminders(controller, env, ctx);
  ctx.waitUntil(pruneExpired(env));
};
