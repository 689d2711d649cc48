/** The browser's IANA zone: the agenda's days and every time shown are read in it. */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const pad = (n: number) => String(n).padStart(2, "0");

/** The wall-clock parts of an instant in a zone. */
function partsIn(ms: number, zone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), min: get("minute"), s: get("second") };
}

/** How far a zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(ms: number, zone: string) {
  const p = partsIn(ms, zone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ms / 1000) * 1000;
}

/** An instant as `YYYY-MM-DDTHH:mm` on a zone's wall clock: the value of a datetime-local input. */
export function wallClock(iso: string, zone: string) {
  const p = partsIn(Date.parse(iso), zone);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.h)}:${pad(p.min)}`;
}

/** Today's date in a zone, as `YYYY-MM-DD`. */
export const todayIn = (zone: string) => wallClock(new Date().toISOString(), zone).slice(0, 10);

/**
 * The instant a wall-clock time (`YYYY-MM-DDTHH:mm`) stands for in a zone, as UTC ISO 8601. The
 * offset is looked up twice, so a time next to a DST change uses the offset in force at it.
 */
export function instantOf(wall: string, zone: string) {
  const [date = "", time = "00:00"] = wall.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  const guess = Date.UTC(y!, m! - 1, d!, h!, min!);
  const first = guess - offsetAt(guess, zone);
  return new Date(guess - offsetAt(first, zone)).toISOString();
}

/** The start of today in the browser's zone, as UTC ISO 8601. */
export const startOfToday = () => instantOf(`${todayIn(browserZone())}T00:00`, browserZone());

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number) {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** A local date as a heading: Today, Tomorrow, or the weekday and date. */
export function dayHeading(date: string) {
  const today = todayIn(browserZone());
  if (date === today) return "Today";
  if (date === addDays(today, 1)) return "Tomorrow";
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  });
}

/** The time of day of an instant, in a zone (the browser's unless given). */
export const timeOfDay = (iso: string, zone = browserZone()) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZone: zone });

/** Date and time of an instant in the browser's zone. */
export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** An instant relative to now, in words: "in 5 minutes", "2 days ago". */
export function inWords(iso: string, now = Date.now()) {
  const delta = Date.parse(iso) - now;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(delta) >= ms) return format.format(Math.round(delta / ms), unit);
  }
  return delta >= 0 ? "in under a minute" : "just now";
}

/** A due as the browser's zone shows it, and in the task's own zone when that differs. */
export function dueText(task: { due_time: string | null; due_date: string | null; timezone: string }) {
  if (task.due_date) return `all day ${task.due_date}`;
  if (!task.due_time) return "";
  const own = task.timezone !== browserZone() ? ` (${timeOfDay(task.due_time, task.timezone)} ${task.timezone})` : "";
  return `${dateTime(task.due_time)}${own}`;
}
