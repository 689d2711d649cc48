import type { RoomEvent } from "../../party/protocol";
import { log } from "../http/log";
import { workspaceRoom } from "../realtime/room";
import type { Store } from "../services/store";
import { settingsOf, type WebhookSettings } from "../settings";
import type { WorkEnv } from "../work/unit-of-work";
import { runWebhookDeliveries, type WebhookRunOptions, type WebhookRunReport } from "./engine";

/** The room's word that a subscription was disabled, so a dashboard can say so at once. */
export interface WebhookDisabledEvent extends RoomEvent {
  type: "webhook.disabled";
  webhook: { id: string; url: string; disabled_reason: string };
}

/** Whether the last look found no enabled subscription, and when: writes skip the engine meanwhile. */
let none: { until: number } | undefined;
const NONE_CACHE_MS = 10_000;

/** A subscription was created or enabled here: the next write looks again at once. */
export function subscriptionsChanged() {
  none = undefined;
}

/**
 * Runs the engine on `store` and tells the room about subscriptions it disabled. Logged, never
 * thrown: the cron's next run retries whatever this one could not do.
 */
export async function deliverAndAnnounce(
  env: Pick<WorkEnv, "MAIN">,
  store: Store,
  settings: WebhookSettings,
  options: WebhookRunOptions & { fromWrite?: boolean } = {},
): Promise<WebhookRunReport | undefined> {
  if (options.fromWrite && none && none.until > Date.now()) return undefined;
  const report = await runWebhookDeliveries(store, settings, options);
  if (options.fromWrite && report.subscriptions === 0 && !report.anyEnabled)
    none = { until: Date.now() + NONE_CACHE_MS };
  if (report.subscriptions > 0) {
    const { disabledNow, ...counts } = report;
    // Debug: a run follows every write, and the attempts themselves are in the delivery log.
    log(undefined, "debug", "webhook deliveries", counts);
  }
  if (env.MAIN && report.disabledNow.length > 0) {
    try {
      const target = workspaceRoom({ MAIN: env.MAIN });
      await Promise.all(
        report.disabledNow.map((d) =>
          target.notify({
            type: "webhook.disabled",
            webhook: { id: d.id, url: d.url, disabled_reason: d.reason },
          } satisfies WebhookDisabledEvent),
        ),
      );
    } catch (err) {
      log(undefined, "warn", "webhook.disabled notices not delivered to the room", { error: String(err) });
    }
  }
  return report;
}

/**
 * A unit of work's `afterChanges` for writes: what just committed goes out to subscribers now,
 * after the room heard of it; the cron delivers whatever this misses. The budget leaves room in
 * the request's waitUntil (30 s).
 */
export const nudgeWebhooks = (env: WorkEnv) => (store: Store) =>
  deliverAndAnnounce(env, store, settingsOf(env).webhooks, { fromWrite: true, budgetMs: 10_000 });
