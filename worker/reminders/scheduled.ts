import { databaseFor } from "../db/client";
import { errorFields, log } from "../http/log";
import { publishChanges } from "../realtime/publish";
import { createChannels } from "./channels";
import { roomFromEnv } from "./channels/ui";
import { readScanConfig, type ScanEnv } from "./config";
import { runScan } from "./scan";

/**
 * The Cron Trigger: deliver what was due at the scheduled minute. It gets its own database client
 * (no request shares it) and runs in `waitUntil`. Cron Triggers promise neither exactly-once nor
 * non-overlapping runs; the claim makes overlapping runs safe.
 */
export const scanReminders: ExportedHandlerScheduledHandler<ScanEnv> = (controller, env, ctx) => {
  // Read before anything starts, so a bad setting fails this run loudly, naming the variable.
  const config = readScanConfig(env);
  const { db, close } = databaseFor(env);
  // Transactions whose change-log rows (deliveries, retries, failures) the realtime room should hear about.
  const committed: string[] = [];
  const store = { db, onCommitted: (txid: string) => committed.push(txid) };
  const channels = createChannels(config, roomFromEnv(env));
  ctx.waitUntil(
    runScan(store, config, channels, { dueBy: new Date(controller.scheduledTime) })
      .then(
        (report) => log(undefined, "info", "reminder scan", { cron: controller.cron, ...report }),
        (err: Error) => {
          log(undefined, "error", "reminder scan failed", { cron: controller.cron, ...errorFields(err) });
          throw err;
        },
      )
      // Deliveries, retries and failures reach open dashboards like any other change.
      .finally(() => (env.MAIN ? publishChanges({ MAIN: env.MAIN }, db, committed) : undefined))
      .finally(close),
  );
};
