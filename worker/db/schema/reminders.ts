import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { instantInRange } from "../instant-range";
import { createdAt, id, timestamptz, version } from "./columns";
import { deliveryState, reminderChannel, reminderStatus } from "./enums";
import { tasks } from "./tasks";

/** A relative reminder fires at most a year (of 366 days) before or after its task's due. */
export const OFFSET_MINUTES_MAX = 527_040;

export const reminders = pgTable(
  "reminders",
  {
    id: id(),
    task_id: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    remind_at: timestamptz("remind_at").notNull(),
    /**
     * Set for a reminder relative to its task's due (negative: before). remind_at is then the task's
     * reminder anchor plus this, kept so by every statement that moves the due.
     */
    offset_minutes: integer("offset_minutes"),
    channel: reminderChannel("channel").notNull(),
    /** Telegram chat id or WhatsApp number (E.164); null means the channel's configured default. */
    recipient: text("recipient"),
    status: reminderStatus("status").notNull().default("scheduled"),
    /** True only once a provider accepted the message; derived so it can never disagree with status. */
    sent: boolean("sent").notNull().generatedAlwaysAs(sql`status = 'sent'`),
    sent_at: timestamptz("sent_at"),
    /** Null until a provider took it; then `accepted`, or `delivered` on evidence that it reached the chat. */
    delivery_state: deliveryState("delivery_state"),
    /** When it was known to be in the chat. */
    delivered_at: timestamptz("delivered_at"),
    /**
     * The provider's id for what it took: Telegram's message_id, WhatsApp's message id (wamid…), the
     * gateway's runId. WhatsApp's status webhooks confirm a delivery by this id.
     */
    provider_message_id: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    /** When the scan should next try: remind_at at first, later the retry backoff. */
    next_attempt_at: timestamptz("next_attempt_at").notNull().defaultNow(),
    last_error: text("last_error"),
    /**
     * When a scan first took this firing to deliver, set by the claim and kept across its retries;
     * cleared when the reminder is armed again. Its lateness is read from it, so every attempt of a
     * firing sends the same text: the gateway replays a key only for the same message. Not part of the API.
     */
    first_attempt_at: timestamptz("first_attempt_at"),
    /** A scan's claim: until this instant no other scan takes the reminder. Not part of the API. */
    lease_until: timestamptz("lease_until"),
    lease_token: uuid("lease_token"),
    created_at: createdAt(),
    version: version(),
  },
  (t) => [
    // A reminder has a delivery state exactly while it is sent, and a delivery time exactly while delivered.
    check("reminders_sent_has_delivery_state", sql`(${t.delivery_state} is not null) = (${t.status} = 'sent')`),
    check(
      "reminders_delivered_has_time",
      sql`(${t.delivered_at} is not null) = (${t.delivery_state} is not distinct from 'delivered')`,
    ),
    check(
      "reminders_offset_range",
      sql`${t.offset_minutes} between -${sql.raw(String(OFFSET_MINUTES_MAX))} and ${sql.raw(String(OFFSET_MINUTES_MAX))}`,
    ),
    // The instant range (db/instant-range.ts): a relative offset or a moved due cannot push past it.
    check("reminders_remind_at_range", instantInRange(t.remind_at)),
    check("reminders_next_attempt_at_range", instantInRange(t.next_attempt_at)),
    // GET /reminders?task_id=… and the cascade when a task is deleted.
    index("reminders_task_idx").on(t.task_id, t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /reminders without filters: newest first, keyset-paginated on (created_at, id).
    index("reminders_created_idx").on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The due scan: its cost follows the number of armed reminders, not the table's size.
    index("reminders_due_idx").on(t.next_attempt_at).where(sql`${t.status} = 'scheduled'`),
    // GET /reminders?delivery_state=accepted, "what waits for confirmation": newest first, without
    // walking the reminders already confirmed or never sent.
    index("reminders_accepted_created_idx")
      .on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.delivery_state} = 'accepted'`),
    // The agenda's failed and missed reminders, by the time they were due. Written without the new
    // statuses' names: Postgres refuses an enum value in the transaction that added it.
    // WhatsApp's status webhooks name a message by its id (wamid…): they confirm or fail its reminder.
    index("reminders_provider_message_idx").on(t.provider_message_id).where(sql`${t.provider_message_id} is not null`),
    index("reminders_unsent_idx").on(t.remind_at).where(sql`${t.status} <> 'scheduled' and ${t.status} <> 'sent'`),
  ],
);

export type ReminderRow = typeof reminders.$inferSelect;

/** A scan's claim on the reminder and its firing's first attempt: bookkeeping that the API never shows. */
export const REMINDER_INTERNAL = { lease_until: true, lease_token: true, first_attempt_at: true } as const;
