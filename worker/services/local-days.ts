import { dateToLocal, fromLocal, offsetAt } from "../time/zone";

/**
 * Local calendar days in an IANA time zone, for the agenda: "which local day is this instant on"
 * and "when does a local day start", on the same zone rules (worker/time/zone.ts) as due times.
 */

const DAY_MS = 86_400_000;

/** "+05:30" for an offset in milliseconds (whole minutes; historic second offsets are rounded down). */
function formatOffset(offsetMs: number) {
  const minutes = Math.floor(Math.abs(offsetMs) / 60_000);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${offsetMs < 0 ? "-" : "+"}${hh}:${mm}`;
}

/**
 * The wall-clock time of `instant` in `timeZone` with its offset, as ISO 8601:
 * `2026-03-08T03:30:00-04:00`. Its first ten characters are the local date.
 */
export function localTimestamp(instant: Date, timeZone: string): string {
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  const offset = offsetAt(whole, timeZone);
  return `${new Date(whole + offset).toISOString().slice(0, 19)}${formatOffset(offset)}`;
}

/** The local date (YYYY-MM-DD) of `instant` in `timeZone`. */
export const dateInZone = (instant: Date, timeZone: string) => localTimestamp(instant, timeZone).slice(0, 10);

/** The calendar date after `date` (YYYY-MM-DD); calendar arithmetic, no time zone involved. */
export const nextDate = (date: string) => new Date(dateToLocal(date) + DAY_MS).toISOString().slice(0, 10);

/**
 * The first instant of local `date` in `timeZone`. Where midnight falls in a daylight-saving gap
 * (clocks jump from 23:59:59 to 01:00), the day starts where the gap ends (RFC 5545's rule).
 */
export const startOfLocalDay = (date: string, timeZone: string) => new Date(fromLocal(dateToLocal(date), timeZone));
