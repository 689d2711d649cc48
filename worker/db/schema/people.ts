import { sql } from "drizzle-orm";
import { check, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, version } from "./columns";

export const PERSON_NAME_MAX = 100;

/**
 * A Telegram `chat_id`: an integer (negative for groups and channels) or a public `@channelusername`
 * (5 to 32 characters). Written so Postgres reads it the same way (the CHECK below).
 */
export const TELEGRAM_CHAT = /^(-?[1-9][0-9]{0,19}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

/** E.164: a `+`, then 8 to 15 digits, the first not 0. */
export const E164 = /^\+[1-9][0-9]{7,14}$/;

/**
 * A person tasks are assigned to (the seed's "task assignments"), with the handles a reminder of
 * their tasks goes to when it names no recipient of its own.
 */
export const people = pgTable(
  "people",
  {
    id: id(),
    name: text("name").notNull(),
    /** Their Telegram chat, as a reminder's `recipient` on the telegram channel is written. */
    telegram_chat_id: text("telegram_chat_id"),
    /** Their WhatsApp number in E.164, as a reminder's `recipient` on the whatsapp channel is written. */
    whatsapp_number: text("whatsapp_number"),
    /** Their IANA zone, or null: kept for clients (an agenda in their zone); reminders still speak in the task's zone. */
    timezone: text("timezone"),
    created_at: createdAt(),
    updated_at: timestamptz("updated_at").notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    // The API validates these too; the database refuses a handle that slipped past it.
    check("people_name_length", sql`char_length(${t.name}) between 1 and ${sql.raw(String(PERSON_NAME_MAX))}`),
    check("people_telegram_chat_id_form", sql`${t.telegram_chat_id} ~ ${sql.raw(`'${TELEGRAM_CHAT.source}'`)}`),
    check("people_whatsapp_number_e164", sql`${t.whatsapp_number} ~ ${sql.raw(`'${E164.source}'`)}`),
    // GET /people: newest first, keyset-paginated on (created_at, id).
    index("people_created_idx").on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export type PersonRow = typeof people.$inferSelect;
