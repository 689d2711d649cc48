import { sql } from "drizzle-orm";
import { integer, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Millisecond precision on every timestamp: JavaScript dates carry milliseconds, and a cursor built
 * from a microsecond value read back as a Date would no longer match the row it came from.
 */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const id = () => uuid("id").primaryKey().default(sql`gen_random_uuid()`);

export const createdAt = () => timestamptz("created_at").notNull().defaultNow();

/** Bumped by every update; the ETag and `If-Match` compare against it. */
export const version = () => integer("version").notNull().default(1);
