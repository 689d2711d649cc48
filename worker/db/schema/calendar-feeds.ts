import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns";

/**
 * Secret calendar URLs (`GET /calendar/<token>.ics`) for apps that cannot send an Authorization
 * header. The token is stored only as its SHA-256 hash and shown once, when the feed is created;
 * a revoked feed answers 404.
 */
export const calendarFeeds = pgTable(
  "calendar_feeds",
  {
    id: id(),
    name: text("name").notNull(),
    /** The token's first characters, so people can tell their feeds apart. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    created_at: createdAt(),
    revoked_at: timestamptz("revoked_at"),
  },
  (t) => [uniqueIndex("calendar_feeds_hash_idx").on(t.hash)],
);

export type CalendarFeedRow = typeof calendarFeeds.$inferSelect;

/** The token's hash: never shown. */
export const CALENDAR_FEED_INTERNAL = { hash: true } as const;
