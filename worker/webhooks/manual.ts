import type { Store } from "../services/store";
import type { WebhookSettings } from "../settings";
import { PING_EVENT, type WebhookEvent } from "./events";
import { unseal } from "./secret-box";
import { type Attempt, sendEvent } from "./send";
import { type DeliveryView, findDelivery, findTarget, logAttempt, secretsKey } from "./subscriptions";

/**
 * Attempts a person asks for, outside the engine's walk: a ping to check a receiver, and sending a
 * logged delivery again. Each is made now, within the request, and logged; neither moves the
 * subscription's cursor, so the engine's own order and retries are unaffected.
 */

async function attempt(
  store: Store,
  settings: WebhookSettings,
  target: { id: string; url: string; secret_sealed: string },
  event: { id: string; type: string; seq: number | null; body: string },
): Promise<DeliveryView> {
  const secret = await unseal(secretsKey(settings), target.secret_sealed).catch(() => undefined);
  const result: Attempt = secret
    ? await sendEvent({ url: target.url, secret }, { id: event.id, body: event.body }, settings.timeoutMs)
    : {
        ok: false,
        status: null,
        durationMs: 0,
        body: null,
        error: "its secret cannot be unsealed (WEBHOOK_SECRETS_KEY changed): rotate the secret",
      };
  return logAttempt(store, {
    subscription_id: target.id,
    event_id: event.id,
    event_type: event.type,
    seq: event.seq,
    payload: event.body,
    outcome: result.ok ? "succeeded" : "failed",
    response_status: result.status,
    duration_ms: result.durationMs,
    response_body: result.body,
    error: result.error,
  });
}

/** Sends `webhook.ping` (whatever the events, enabled or not) and answers with the logged attempt. */
export async function pingWebhook(store: Store, settings: WebhookSettings, { id }: { id: string }) {
  const target = await findTarget(store, { id });
  const event: WebhookEvent = {
    id: `evt_ping_${crypto.randomUUID()}`,
    type: PING_EVENT,
    created_at: new Date().toISOString(),
    seq: null,
    data: { webhook: { id: target.id, url: target.url, events: target.events, description: target.description } },
  };
  return attempt(store, settings, target, { ...event, body: JSON.stringify(event) });
}

/** Sends a logged attempt's event again, same id and body, to the subscription's current URL. */
export async function redeliver(store: Store, settings: WebhookSettings, ids: { id: string; deliveryId: string }) {
  const { delivery, url, secret_sealed } = await findDelivery(store, ids);
  return attempt(
    store,
    settings,
    { id: delivery.subscription_id, url, secret_sealed },
    { id: delivery.event_id, type: delivery.event_type, seq: delivery.seq, body: delivery.payload },
  );
}
