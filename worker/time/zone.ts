/**
 * IANA time zones through the runtime's own Intl (ICU) data: the one zone engine of the product.
 * Postgres never converts between zones, so the database's tzdata can never disagree with ours.
 *
 * Local wall-clock times are "floating" milliseconds: the local date and time read as if it were UTC
 * (`Date.UTC(y, m, d, h, min, s)`), so calendar arithmetic on them has no DST in it.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

// Module-scope caches of pure data (no I/O): formatters are costly to build. They are keyed by the
// runtime's own zone id, of which there are a few hundred; the spellings that lead to an id come
// from input (any case of any IANA link), so that map keeps only the latest MAX_SPELLINGS.
const formatters = new Map<string, Intl.DateTimeFormat>();
const zoneIds = new Map<string, string>();
const MAX_SPELLINGS = 256;
let canonical: Map<string, string> | undefined;

const build = (timeZone: string) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    era: "short",
  });

/** The runtime's id for a zone name in any spelling (`us/eastern` → `America/New_York`); throws RangeError if unknown. */
function zoneId(zone: string): string {
  const known = formatters.has(zone) ? zone : zoneIds.get(zone);
  if (known) return known;
  const f = build(zone);
  const id = f.resolvedOptions().timeZone;
  if (!formatters.has(id)) formatters.set(id, f);
  if (zoneIds.size >= MAX_SPELLINGS) zoneIds.delete(zoneIds.keys().next().value!);
  zoneIds.set(zone, id);
  return id;
}

const formatter = (zone: string) => formatters.get(zone) ?? formatters.get(zoneId(zone))!;

/** What the module holds, for the tests that keep its memory bounded whatever zone names arrive. */
export const zoneCacheSizes = () => ({ formatters: formatters.size, spellings: zoneIds.size });

const IANA_SHAPE = /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/i;

/**
 * The stored spelling of an IANA zone name, or null if the runtime does not know it. Accepts the
 * runtime's zone list (case-insensitively, answered in its spelling), `UTC`, and IANA links the
 * runtime resolves to a listed zone (`Asia/Kolkata`, `US/Eastern`, `Etc/GMT+5`), answered as sent
 * unless the link is its own target in another case (`etc/gmt+5` → `Etc/GMT+5`). Refuses offsets
 * (`+01:00`) and abbreviations (`EST`, `CET`): they carry no DST rules, or the wrong ones.
 */
export function normalizeTimeZone(name: string): string | null {
  canonical ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  const listed = canonical.get(name.toLowerCase());
  if (listed) return listed;
  if (name.length > 64 || !IANA_SHAPE.test(name)) return null;
  let resolved: string;
  try {
    resolved = zoneId(name);
  } catch {
    return null;
  }
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved;
  return resolved === "UTC" || resolved.startsWith("Etc/") || canonical.has(resolved.toLowerCase()) ? name : null;
}

/** The zone's offset from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(whole)) parts[p.type] = p.value;
  const year = parts.era === "BC" || parts.era === "B" ? 1 - Number(parts.year) : Number(parts.year);
  const local = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const fixed = year >= 0 && year < 100 ? new Date(local).setUTCFullYear(year) : local;
  return fixed - whole;
}

/** The local wall-clock time (floating milliseconds) of `instant` in `zone`. */
export function toLocal(instant: number, zone: string): number {
  return instant + offsetAt(instant, zone);
}

/**
 * The instant a local wall-clock time names in `zone`, by RFC 5545 §3.3.5: a time that occurs twice
 * (autumn fall-back) is the first of the two; a time that does not occur (spring-forward gap) is read
 * with the offset in force before the gap, which moves it forward by the gap's length
 * (02:30 on a day that skips 02:00–03:00 is 03:30). JavaScript's Temporal calls this "compatible".
 */
export function fromLocal(local: number, zone: string): number {
  // Zones change offset at most once within two days, so the offsets a day either side are the
  // only candidates, and when they agree the zone kept one offset throughout.
  const before = offsetAt(local - DAY, zone);
  const after = offsetAt(local + DAY, zone);
  if (before === after) return local - before;
  const valid = [local - before, local - after].filter((instant) => offsetAt(instant, zone) === local - instant);
  if (valid.length > 0) return Math.min(...valid);
  return local - before;
}

/** The local date (YYYY-MM-DD) of a floating time. */
export const localDate = (local: number) => new Date(local).toISOString().slice(0, 10);

/** Floating midnight of a YYYY-MM-DD date. */
export const dateToLocal = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Floating time as Postgres `timestamp without time zone` text, and back. */
export const formatLocal = (local: number) => new Date(local).toISOString().slice(0, 19).replace("T", " ");
export const parseLocal = (text: string) => Date.parse(`${text.slice(0, 19).replace(" ", "T")}Z`);

export const minutes = (n: number) => n * MINUTE;
