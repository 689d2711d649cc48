import { errorFields, log } from "../http/log";
import { settingsOf } from "../settings";
import { beginUnitOfWork, type WorkEnv } from "../work/unit-of-work";
import { deliverAndAnnounce } from "./announce";
import type { WebhookRunOptions, WebhookRunReport } from "./engine";

/**
 * One delivery run in its own unit of work: the cron's each minute (retries and the safety net for a
 * lost nudge), a ping, a redelivery. Never throws; a failure is logged and the next run retries.
 */
export async function deliverWebhooks(
  env: WorkEnv,
  options: WebhookRunOptions = {},
): Promise<WebhookRunReport | undefined> {
  let work: ReturnType<typeof beginUnitOfWork> | undefined;
  try {
    const settings = settingsOf(env).webhooks;
    work = beginUnitOfWork(env, { nudgeClock: false });
    return await deliverAndAnnounce(env, work.store, settings, options);
  } catch (err) {
    log(undefined, "error", "webhook deliveries failed", errorFields(err));
    return undefined;
  } finally {
    await work?.close();
  }
}
