import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * The one range of instants the product stores or computes: 1970-01-01T00:00:00.000Z to
 * 9999-12-31T23:59:59.999Z. Past year 9999 ISO 8601 needs a sign and six digits, which neither
 * Postgres nor `Date.parse` read back as they wrote; before year 1 Postgres writes "BC". Either
 * used to make every read covering the row fail. Inputs are checked against it (422 naming the
 * field), the database backs it with CHECK constraints, and views never throw on older rows.
 */
export const INSTANT_MIN = Date.UTC(1970, 0, 1);
export const INSTANT_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const INSTANT_RANGE_TEXT = "1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";

/**
 * All-day dues: a day inside the range in every zone (offsets reach ±14 h), so the day's start
 * and its reminder hour are instants in range too.
 */
export const DATE_MIN = "1970-01-02";
export const DATE_MAX = "9999-12-30";

export const inInstantRange = (ms: number) => ms >= INSTANT_MIN && ms <= INSTANT_MAX;

/** An instant clamped into the range (for computed windows, never for stored input). */
export const clampInstant = (ms: number) => Math.min(Math.max(ms, INSTANT_MIN), INSTANT_MAX);

/** The CHECK behind every stored instant; its constraint names end in `_range`. */
export const instantInRange = (column: AnyPgColumn): SQL =>
  sql`${column} between '1970-01-01T00:00:00Z'::timestamptz and '9999-12-31T23:59:59.999Z'::timestamptz`;

export const dateInRange = (column: AnyPgColumn): SQL =>
  sql`${column} between '${sql.raw(DATE_MIN)}'::date and '${sql.raw(DATE_MAX)}'::date`;

/**
 * ISO 8601 UTC for a stored timestamp (a Date from the driver, or the text a change-log trigger
 * captured). Rows written before the range existed may hold what cannot be formatted; they read as
 * the nearest end of the range rather than failing every reader.
 */
export function isoInstant(value: string | Date): string {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) return new Date(/ BC$|^-/.test(String(value)) ? INSTANT_MIN : INSTANT_MAX).toISOString();
  return new Date(clampInstant(ms)).toISOString();
}
