import { type ChangeRowLike, toChange } from "../services/changes";

/** Every event a subscription can ask for. All but `reminder.due` come from the change log. */
export const WEBHOOK_EVENTS = [
  "task.created",
  "task.updated",
  "task.completed",
  "task.deleted",
  "reminder.created",
  "reminder.updated",
  "reminder.deleted",
  "reminder.due",
  "reminder.delivered",
  "reminder.failed",
  "reminder.missed",
  "project.created",
  "project.updated",
  "project.deleted",
  "person.created",
  "person.updated",
  "person.deleted",
  "attachment.created",
  "attachment.deleted",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** `webhook.ping`, sent by POST /webhooks/{id}/ping whatever the subscription's events. */
export const PING_EVENT = "webhook.ping";

/** What every receiver gets: `id` is stable across retries, `data` is the resource as REST shows it. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType | typeof PING_EVENT;
  created_at: string;
  seq: number | null;
  data: Record<string, unknown>;
}

/** Whether a subscription to `events` receives `type`. */
export const listensTo = (events: readonly string[], type: string) => events.includes("*") || events.includes(type);

/**
 * A change-log row as an event. The trigger names the event (migration 0010); a change recorded
 * before that has none, and is named from its entity and op.
 */
export function eventOfChange(row: ChangeRowLike & { event?: string | null }): WebhookEvent {
  const change = toChange(row);
  return {
    id: `evt_${change.seq}`,
    type: (row.event ?? change.type) as WebhookEventType,
    created_at: change.at,
    seq: change.seq,
    data: change.data,
  };
}
