import type { Rule } from "./rrule";

/**
 * Expands a checked rule over local wall-clock time (floating milliseconds, see zone.ts), the way
 * RFC 5545 §3.3.10 defines it: period by period (a year, month, week, day or hour, stepped by
 * INTERVAL from the series start), the days of the period that pass every BYxxx filter, at each time
 * of day, narrowed by BYSETPOS. Unspecified parts come from the series start, as the RFC says.
 *
 * Every search stops HORIZON_YEARS past its start: a rule that can never match (BYMONTHDAY=30 in
 * February) costs a bounded, small amount of CPU instead of iterating to year 9999.
 */

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const HORIZON_YEARS = 100;

interface Expanded extends Rule {
  /** Times of day as milliseconds after midnight, ascending (for HOURLY: minutes and seconds within the hour). */
  times: number[];
  /** BYDAY ordinals count within the month (MONTHLY, or YEARLY with BYMONTH), otherwise within the year. */
  nthInMonth: boolean;
}

const weekdayOf = (day: number) => (new Date(day * DAY).getUTCDay() + 6) % 7;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dayNumber = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(2000, m, d));
  date.setUTCFullYear(y);
  return Math.floor(date.getTime() / DAY);
};

/** Fills in what RFC 5545 takes from DTSTART when the rule leaves it out. */
function withDefaults(rule: Rule, start: Date): Expanded {
  const r: Expanded = { ...rule, times: [], nthInMonth: rule.freq === "MONTHLY" || Boolean(rule.bymonth) };
  if (!rule.byyearday && !rule.bymonthday && !rule.byday) {
    if (rule.freq === "YEARLY") {
      r.bymonth ??= [start.getUTCMonth() + 1];
      r.bymonthday = [start.getUTCDate()];
    } else if (rule.freq === "MONTHLY") {
      r.bymonthday = [start.getUTCDate()];
    } else if (rule.freq === "WEEKLY") {
      r.byday = [{ weekday: (start.getUTCDay() + 6) % 7 }];
    }
  }
  const hours = rule.freq === "HOURLY" ? [0] : (rule.byhour ?? [start.getUTCHours()]);
  const minutes = rule.byminute ?? [start.getUTCMinutes()];
  const seconds = rule.bysecond ?? [start.getUTCSeconds()];
  for (const h of hours)
    for (const m of minutes) for (const s of seconds) r.times.push(h * HOUR + m * 60_000 + s * SECOND);
  r.times.sort((a, b) => a - b);
  return r;
}

function dayMatches(r: Expanded, day: number): boolean {
  const date = new Date(day * DAY);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  if (r.bymonth && !r.bymonth.includes(m + 1)) return false;
  const dim = daysInMonth(y, m);
  if (r.bymonthday && !r.bymonthday.includes(d) && !r.bymonthday.includes(d - dim - 1)) return false;
  const diy = isLeap(y) ? 366 : 365;
  const doy = day - dayNumber(y, 0, 1) + 1;
  if (r.byyearday && !r.byyearday.includes(doy) && !r.byyearday.includes(doy - diy - 1)) return false;
  if (r.byday) {
    const wd = weekdayOf(day);
    const [pos, neg] = r.nthInMonth
      ? [Math.floor((d - 1) / 7) + 1, -Math.floor((dim - d) / 7) - 1]
      : [Math.floor((doy - 1) / 7) + 1, -Math.floor((diy - doy) / 7) - 1];
    if (!r.byday.some((e) => e.weekday === wd && (e.nth === undefined || e.nth === pos || e.nth === neg))) return false;
  }
  return true;
}

interface Period {
  /** Floating start of the period, for the horizon check. */
  start: number;
  days: number[];
  /** HOURLY only: the period's hour of day. */
  hour?: number;
}

function* periods(r: Expanded, start: Date): Generator<Period> {
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  const day0 = Math.floor(start.getTime() / DAY);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  for (let k = 0; ; k++) {
    const step = k * r.interval;
    switch (r.freq) {
      case "YEARLY": {
        const from = dayNumber(y0 + step, 0, 1);
        yield { start: from * DAY, days: range(from, dayNumber(y0 + step + 1, 0, 1)) };
        break;
      }
      case "MONTHLY": {
        const y = y0 + Math.floor((m0 + step) / 12);
        const m = (m0 + step) % 12;
        const from = dayNumber(y, m, 1);
        yield { start: from * DAY, days: range(from, from + daysInMonth(y, m)) };
        break;
      }
      case "WEEKLY": {
        const from = day0 - ((weekdayOf(day0) - r.wkst + 7) % 7) + 7 * step;
        yield { start: from * DAY, days: range(from, from + 7) };
        break;
      }
      case "DAILY":
        yield { start: (day0 + step) * DAY, days: [day0 + step] };
        break;
      case "HOURLY": {
        const at = Math.floor(start.getTime() / HOUR) * HOUR + step * HOUR;
        const day = Math.floor(at / DAY);
        if (!dayMatches(r, day)) {
          // Jump to the first hour of a later day that keeps the INTERVAL's rhythm.
          const skip = Math.ceil(((day + 1) * DAY - at) / (r.interval * HOUR));
          k += skip - 1;
          yield { start: at, days: [] };
          break;
        }
        yield { start: at, days: [day], hour: (at - day * DAY) / HOUR };
        break;
      }
    }
  }
}

function candidates(r: Expanded, period: Period): number[] {
  const out: number[] = [];
  const hour = period.hour;
  if (hour !== undefined && r.byhour && !r.byhour.includes(hour)) return out;
  const offset = hour === undefined ? 0 : hour * HOUR;
  for (const day of period.days) {
    if (!dayMatches(r, day)) continue;
    for (const t of r.times) out.push(day * DAY + offset + t);
  }
  return out;
}

function selectPositions(all: number[], positions: number[]): number[] {
  const picked = positions
    .map((p) => (p > 0 ? all[p - 1] : all[all.length + p]))
    .filter((v): v is number => v !== undefined);
  return [...new Set(picked)].sort((a, b) => a - b);
}

/**
 * The first occurrence strictly after `after` of the series that `rule` generates from `start`
 * (both floating local times), or null if there is none within HORIZON_YEARS of `start`. COUNT and
 * UNTIL are the caller's: they depend on the series' history and on the time zone.
 */
export function nextOccurrence(rule: Rule, start: number, after: number): number | null {
  const startDate = new Date(start);
  const r = withDefaults(rule, startDate);
  const horizon = start + HORIZON_YEARS * 366 * DAY;
  for (const period of periods(r, startDate)) {
    if (period.start > horizon) return null;
    let found = candidates(r, period);
    if (r.bysetpos) found = selectPositions(found, r.bysetpos);
    const next = found.find((t) => t > after && t >= start);
    if (next !== undefined) return next;
  }
  return null;
}
