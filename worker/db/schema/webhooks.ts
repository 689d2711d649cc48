import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, version } from "./columns";

/**
 * An outbound webhook subscription. Its events are the change log read past `cursor_seq`: the log is
 * the outbox, written in each mutation's own transaction, so no event exists for a rolled-back change
 * and each subscription moves through it at its own pace.
 */
export const webhookSubscriptions = pgTable(
  "webhook_subscriptions",
  {
    id: id(),
    url: text("url").notNull(),
    /** Event types it receives; `*` stands for all of them. */
    events: text("events").array().notNull(),
    description: text("description"),
    enabled: boolean("enabled").notNull().default(true),
    /**
     * The signing secret, AES-GCM encrypted (worker/webhooks/secret-box.ts). Signing needs the secret
     * itself, so a hash would not do; the database alone never reveals it.
     */
    secret_sealed: text("secret_sealed").notNull(),
    /** The last change seq delivered (or skipped as not subscribed); the next event is the first after it. */
    cursor_seq: bigint("cursor_seq", { mode: "number" }).notNull(),
    /** Consecutive failed attempts of the event at the cursor; reset by a 2xx. */
    failures: integer("failures").notNull().default(0),
    next_attempt_at: timestamptz("next_attempt_at").notNull().defaultNow(),
    /** Why it was disabled by the engine (a 410, or too many failures); null when disabled by hand or enabled. */
    disabled_reason: text("disabled_reason"),
    /** A delivery run's claim: until then no other run delivers for this subscription. */
    lease_until: timestamptz("lease_until"),
    lease_token: uuid("lease_token"),
    created_at: createdAt(),
    updated_at: timestamptz("updated_at").notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    check("webhook_subscriptions_url_length", sql`char_length(${t.url}) between 1 and 2048`),
    check("webhook_subscriptions_events_count", sql`cardinality(${t.events}) between 1 and 32`),
    // GET /webhooks: newest first.
    index("webhook_subscriptions_created_idx").on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/** One attempt to deliver one event to one subscription: the delivery log. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    subscription_id: uuid("subscription_id")
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: "cascade" }),
    /** The event's id, stable across retries: the `webhook-id` header and the body's `id`. */
    event_id: text("event_id").notNull(),
    event_type: text("event_type").notNull(),
    /** The change seq the event came from; null for a ping or a `reminder.due`. */
    seq: bigint("seq", { mode: "number" }),
    /** The event as sent, so a redelivery sends the same bytes' content. */
    payload: text("payload").notNull(),
    outcome: text("outcome", { enum: ["succeeded", "failed"] }).notNull(),
    response_status: integer("response_status"),
    duration_ms: integer("duration_ms").notNull(),
    /** The first KiB of the receiver's answer, or the network error. */
    response_body: text("response_body"),
    error: text("error"),
    created_at: createdAt(),
  },
  (t) => [
    // GET /webhooks/{id}/deliveries: newest first.
    index("webhook_deliveries_subscription_idx").on(
      t.subscription_id,
      t.created_at.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // Retention pruning deletes by age.
    index("webhook_deliveries_created_idx").on(t.created_at),
  ],
);

/** Columns the API never shows: the sealed secret and the engine's lease. */
export const WEBHOOK_INTERNAL = { secret_sealed: true, lease_until: true, lease_token: true } as const;
/** The delivery log shows an attempt's outcome; the payload stays for a redelivery. */
export const DELIVERY_INTERNAL = { payload: true } as const;

export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
