/**
 * Local calendar days in an IANA time zone, through the runtime's Intl (ICU) data only: the agenda
 * needs "which local day is this instant on" and "when does a local day start", nothing more.
 */

const DAY_MS = 86_400_000;

// Formatters are costly to build and zones are few; module scope holds data, never I/O.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `Area/Location` names (and UTC); offsets and abbreviations such as `EST` carry no usable DST rules. */
const IANA_SHAPE = /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/;

/** Whether `name` is an IANA time zone the runtime knows, such as `Europe/Berlin` or `UTC`. */
export function isTimeZone(name: string): boolean {
  if (name.length > 64 || !IANA_SHAPE.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock time of `instant` in `timeZone` with its offset, as ISO 8601:
 * `2026-03-08T03:30:00-04:00`. Its first ten characters are the local date.
 */
export function localTimestamp(instant: Date, timeZone: string): string {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) p[part.type] = part.value;
  // longOffset reads "GMT+05:30", or plain "GMT" at offset zero.
  const offset = p.timeZoneName === "GMT" ? "+00:00" : (p.timeZoneName ?? "").replace("GMT", "");
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** The local date (YYYY-MM-DD) of `instant` in `timeZone`. */
export const localDate = (instant: Date, timeZone: string) => localTimestamp(instant, timeZone).slice(0, 10);

/** The calendar date after `date` (YYYY-MM-DD); calendar arithmetic, no time zone involved. */
export const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The zone's offset from UTC at `instant`, in milliseconds, read back from its local timestamp. */
function offsetAt(instant: number, timeZone: string) {
  const local = localTimestamp(new Date(instant), timeZone);
  return Date.parse(`${local.slice(0, 19)}Z`) - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant of local `date` in `timeZone`. Where midnight falls in a daylight-saving gap
 * (clocks jump from 23:59:59 to 01:00), the day starts at the first wall-clock time that exists.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // A zone changes its offset at most once in two days, so the offsets a day either side of
  // midnight are the only ones local midnight can have.
  const candidates = [midnight - DAY_MS, midnight + DAY_MS].map((t) => midnight - offsetAt(t, timeZone));
  const valid = candidates.filter((instant) => localDate(new Date(instant), timeZone) === date);
  // None reads as `date` only when its midnight is skipped; the day then begins where the gap ends.
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates));
}
