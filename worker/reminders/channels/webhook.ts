import { sql } from "drizzle-orm";
import { webhookDeliveries, webhookSubscriptions } from "../../db/schema";
import type { Store } from "../../services/store";
import { reminderView, taskView } from "../../services/views";
import type { WebhookSettings } from "../../settings";
import type { WebhookEvent } from "../../webhooks/events";
import { unseal } from "../../webhooks/secret-box";
import { sendEvent } from "../../webhooks/send";
import type { DueReminder } from "../claim";
import { accepted, type Channel, permanent, transient } from "./channel";

/**
 * The `webhook` reminder channel: a due reminder goes out as a `reminder.due` event to the enabled
 * subscriptions that listen for it (all of them, or the one whose id is the reminder's recipient).
 * It is the reminder's own delivery, so the scan's claim, retries and outcome govern it, not the
 * change-log cursor: a 2xx from any receiver makes it `accepted` (a receiver took it; nobody has
 * confirmed a person saw it). A receiver that already took this event is not sent it again when
 * the scan retries for the others. With no receiver the reminder waits, as with a channel not
 * configured, and is never dropped.
 */
export function webhookChannel(store: Store, settings: WebhookSettings): Channel {
  return {
    async deliver(reminder: DueReminder) {
      if (!settings.secretsKey) return { outcome: "unconfigured", error: "set WEBHOOK_SECRETS_KEY (or ADMIN_TOKEN)" };
      const { task, late, ...row } = reminder;
      const eventId = `evt_due_${row.id}_${new Date(row.remind_at).getTime()}`;
      const { rows: targets } = await store.db.execute<{ id: string; url: string; secret_sealed: string }>(sql`
        select s.id, s.url, s.secret_sealed from ${webhookSubscriptions} s
        where s.enabled and ('*' = any(s.events) or 'reminder.due' = any(s.events))
          and (${row.recipient}::text is null or s.id::text = ${row.recipient})
          and not exists (select 1 from ${webhookDeliveries} d
            where d.subscription_id = s.id and d.event_id = ${eventId} and d.outcome = 'succeeded')`);
      if (targets.length === 0) {
        const { rows: done } = await store.db.execute(sql`
          select 1 from ${webhookDeliveries} where event_id = ${eventId} and outcome = 'succeeded' limit 1`);
        if (done.length > 0) return accepted();
        return {
          outcome: "unconfigured",
          error: row.recipient
            ? `no enabled webhook subscription ${row.recipient} listens to reminder.due`
            : "no enabled webhook subscription listens to reminder.due",
        };
      }
      const event: WebhookEvent = {
        id: eventId,
        type: "reminder.due",
        created_at: new Date().toISOString(),
        seq: null,
        data: {
          ...reminderView(row, task.timezone),
          task: taskView(task),
          ...(late?.seconds !== undefined ? { late_by_seconds: Math.round(late.seconds) } : {}),
        },
      };
      const body = JSON.stringify(event);
      const results = await Promise.all(
        targets.map(async (target) => {
          const secret = await unseal(settings.secretsKey as string, target.secret_sealed).catch(() => undefined);
          const attempt = secret
            ? await sendEvent({ url: target.url, secret }, { id: eventId, body }, settings.timeoutMs)
            : { ok: false, status: null, durationMs: 0, body: null, error: "secret cannot be unsealed" };
          // Logged only if the subscription still exists: one deleted mid-call is no error.
          await store.db.execute(sql`
            insert into ${webhookDeliveries}
              (subscription_id, event_id, event_type, payload, outcome, response_status, duration_ms, response_body, error)
            select id, ${eventId}, ${event.type}, ${body}, ${attempt.ok ? "succeeded" : "failed"}, ${attempt.status},
              ${attempt.durationMs}, ${attempt.body}, ${attempt.error}
            from ${webhookSubscriptions} where id = ${target.id}`);
          return attempt;
        }),
      );
      if (results.some((r) => r.ok)) return accepted();
      const retryable = results.find(
        (r) => r.status === null || r.status === 408 || r.status === 429 || r.status >= 500,
      );
      const summary = results
        .map((r) => r.error ?? `HTTP ${r.status}`)
        .join("; ")
        .slice(0, 500);
      return retryable
        ? transient(`webhook receivers: ${summary}`, retryable.retryAfterSeconds)
        : permanent(`webhook receivers: ${summary}`);
    },
  };
}
