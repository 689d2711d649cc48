import { CandidateBudget } from "./budget";
import type { Rule } from "./rrule";

/**
 * Expands a checked rule over local wall-clock time (floating milliseconds, see zone.ts), the way
 * RFC 5545 §3.3.10 defines it: period by period (a year, month, week, day or hour, stepped by
 * INTERVAL from the series start), the days of the period that pass every BYxxx filter, at each time
 * of day, narrowed by BYSETPOS. Unspecified parts come from the series start, as the RFC says.
 *
 * Occurrences are generated lazily, in order, and never as the cross product of a period's days and
 * times (a year of every minute is half a million of them): each day, hour and time tested is charged
 * to a CandidateBudget, so one evaluation's work is bounded whatever the rule.
 *
 * A search also stops HORIZON_YEARS past the last occurrence: a rule that can never match
 * (BYMONTHDAY=30 in February) ends instead of iterating to year 9999.
 */

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const HORIZON_YEARS = 100;
const HORIZON = HORIZON_YEARS * 366 * DAY;

interface Expanded extends Rule {
  /** Times of day as milliseconds after midnight, ascending (for HOURLY: minutes and seconds within the hour). */
  times: number[];
  /** BYDAY ordinals count within the month (MONTHLY, or YEARLY with BYMONTH), otherwise within the year. */
  nthInMonth: boolean;
}

/** The days of a period that may hold occurrences, as half-open ranges of day numbers, ascending. */
interface Period {
  /** Floating start of the period, for the horizon check. */
  start: number;
  ranges: [number, number][];
}

/** Where a search stands: occurrences are at or after `min`; none before `horizon` ends it. */
interface Window {
  min: number;
  horizon: number;
}

/** Monday = 0; 1970-01-01 was a Thursday. */
const weekdayOf = (day: number) => (((day + 3) % 7) + 7) % 7;
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

/** Days before each month in a common year, and each month's length. */
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_LENGTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Year, month (0–11) and day of a day number (days since 1970-01-01) in the proleptic Gregorian
 * calendar, by arithmetic rather than a Date: the day test is the expansion's inner loop.
 * (Howard Hinnant's `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html.)
 */
function civil(day: number): [number, number, number] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 2 : mp - 10;
  return [yoe + era * 400 + (m < 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

function dayMatches(r: Expanded, day: number): boolean {
  const [y, m, d] = civil(day);
  if (r.bymonth && !r.bymonth.includes(m + 1)) return false;
  const leap = isLeap(y);
  const dim = m === 1 && leap ? 29 : MONTH_LENGTH[m]!;
  if (r.bymonthday && !r.bymonthday.includes(d) && !r.bymonthday.includes(d - dim - 1)) return false;
  const diy = leap ? 366 : 365;
  const doy = DAYS_BEFORE[m]! + d + (m > 1 && leap ? 1 : 0);
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

/** The periods of a daily or longer rule; BYMONTH leaves a YEARLY or MONTHLY rule's other months untested. */
function* periods(r: Expanded, start: Date): Generator<Period> {
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  const day0 = Math.floor(start.getTime() / DAY);
  for (let k = 0; ; k++) {
    const step = k * r.interval;
    switch (r.freq) {
      case "YEARLY": {
        const y = y0 + step;
        const from = dayNumber(y, 0, 1);
        const month = (m: number): [number, number] => {
          const first = dayNumber(y, m - 1, 1);
          return [first, first + daysInMonth(y, m - 1)];
        };
        yield { start: from * DAY, ranges: r.bymonth ? r.bymonth.map(month) : [[from, dayNumber(y + 1, 0, 1)]] };
        break;
      }
      case "MONTHLY": {
        const y = y0 + Math.floor((m0 + step) / 12);
        const m = (m0 + step) % 12;
        const from = dayNumber(y, m, 1);
        const listed = !r.bymonth || r.bymonth.includes(m + 1);
        yield { start: from * DAY, ranges: listed ? [[from, from + daysInMonth(y, m)]] : [] };
        break;
      }
      case "WEEKLY": {
        const from = day0 - ((weekdayOf(day0) - r.wkst + 7) % 7) + 7 * step;
        yield { start: from * DAY, ranges: [[from, from + 7]] };
        break;
      }
      default:
        yield { start: (day0 + step) * DAY, ranges: [[day0 + step, day0 + step + 1]] };
    }
  }
}

/** `base + t` for each time of day from the first at or after `min` (found by bisection). */
function* timesFrom(times: number[], base: number, min: number, budget: CandidateBudget) {
  let lo = 0;
  let hi = base + times[0]! < min ? times.length : 0;
  while (lo < hi) {
    budget.spend();
    const mid = (lo + hi) >> 1;
    if (base + times[mid]! < min) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < times.length; i++) {
    budget.spend();
    yield base + times[i]!;
  }
}

/** BYSETPOS over a period's set (its matching days, each at every time), without building the set. */
function* setPositions(r: Expanded, days: number[], offset: number, min: number, budget: CandidateBudget) {
  const size = days.length * r.times.length;
  const picked = new Set<number>();
  for (const p of size > 0 ? r.bysetpos! : []) {
    budget.spend();
    const index = p > 0 ? p - 1 : size + p;
    if (index >= 0 && index < size) picked.add(index);
  }
  for (const index of [...picked].sort((a, b) => a - b)) {
    const t = days[Math.floor(index / r.times.length)]! * DAY + offset + r.times[index % r.times.length]!;
    if (t >= min) yield t;
  }
}

function* byPeriod(r: Expanded, start: Date, window: Window, budget: CandidateBudget) {
  for (const period of periods(r, start)) {
    budget.spend();
    if (period.start > window.horizon) return;
    // BYSETPOS counts from the period's first day, so only without it may days before `min` go untested.
    const firstDay = r.bysetpos ? Number.NEGATIVE_INFINITY : Math.floor(window.min / DAY);
    const matching: number[] = [];
    for (const [from, to] of period.ranges) {
      for (let day = Math.max(from, firstDay); day < to; day++) {
        budget.spend();
        if (!dayMatches(r, day)) continue;
        if (r.bysetpos) matching.push(day);
        else yield* timesFrom(r.times, day * DAY, window.min, budget);
      }
    }
    if (r.bysetpos) yield* setPositions(r, matching, 0, window.min, budget);
  }
}

/** HOURLY: the hours of the rhythm, a day's filters tested once per day and filtered days skipped whole. */
function* byHour(r: Expanded, start: number, window: Window, budget: CandidateBudget) {
  const step = r.interval * HOUR;
  const first = Math.floor(start / HOUR) * HOUR;
  let at = first + Math.max(0, Math.ceil((Math.floor(window.min / HOUR) * HOUR - first) / step)) * step;
  while (true) {
    budget.spend();
    if (at > window.horizon) return;
    const day = Math.floor(at / DAY);
    const end = (day + 1) * DAY;
    if (!dayMatches(r, day)) {
      at += Math.ceil((end - at) / step) * step;
      continue;
    }
    for (; at < end; at += step) {
      budget.spend();
      const hour = (at - day * DAY) / HOUR;
      if (r.byhour && !r.byhour.includes(hour)) continue;
      if (r.bysetpos) yield* setPositions(r, [day], hour * HOUR, window.min, budget);
      else yield* timesFrom(r.times, at, window.min, budget);
    }
  }
}

/**
 * The occurrences strictly after `after` (and not before `start`) of the series that `rule`
 * generates from `start`, both floating local times, in order. It ends when HORIZON_YEARS pass
 * without one, and throws RuleCostError once it has tested more candidates than `budget` allows.
 * COUNT and UNTIL are the caller's: they depend on the series' history and on the time zone.
 */
export function* occurrences(rule: Rule, start: number, after: number, budget: CandidateBudget): Generator<number> {
  const startDate = new Date(start);
  const r = withDefaults(rule, startDate);
  const window = { min: Math.max(start, after + 1), horizon: Math.max(start, after) + HORIZON };
  const source = r.freq === "HOURLY" ? byHour(r, start, window, budget) : byPeriod(r, startDate, window, budget);
  for (const t of source) {
    yield t;
    window.horizon = t + HORIZON;
  }
}

/** The first of `occurrences`, or null if there is none within the horizon. */
export function nextOccurrence(rule: Rule, start: number, after: number, budget = new CandidateBudget()) {
  const first = occurrences(rule, start, after, budget).next();
  return first.done ? null : first.value;
}
