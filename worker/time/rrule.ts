/**
 * RFC 5545 RRULE text → a checked rule, with a message naming each problem. Recurrence here serves
 * tasks, so the rule parts that only make sense for sub-hourly series or week-number calendars are
 * refused by name rather than half-supported.
 */

export const FREQUENCIES = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Weekdays as RFC 5545 writes them, indexed Monday = 0. */
export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

export type Until = { kind: "instant"; at: number } | { kind: "date"; date: string };

export interface Rule {
  freq: Frequency;
  interval: number;
  count?: number;
  until?: Until;
  bymonth?: number[];
  bymonthday?: number[];
  byyearday?: number[];
  byday?: { weekday: number; nth?: number }[];
  byhour?: number[];
  byminute?: number[];
  bysecond?: number[];
  bysetpos?: number[];
  /** Week start, Monday = 0. */
  wkst: number;
}

export class RuleError extends Error {}

/** At most this many times of day: enough for "every 15 minutes from 8 to 18", bounded for the scan of a year. */
const MAX_TIMES_PER_DAY = 1440;

function integers(part: string, value: string, min: number, max: number, allowNegative: boolean): number[] {
  const range = `${min}…${max}${allowNegative ? ` or -${max}…-${Math.max(min, 1)}` : ""}`;
  const out = value.split(",").map((item) => {
    if (!/^[+-]?\d{1,5}$/.test(item)) throw new RuleError(`${part} value '${item}' is not an integer.`);
    const n = Number(item);
    const inRange = (n >= min && n <= max) || (allowNegative && n <= -Math.max(min, 1) && n >= -max);
    if (!inRange) throw new RuleError(`${part} value '${item}' is out of range (${range}).`);
    return n;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

function weekday(part: string, code: string): number {
  const index = WEEKDAYS.indexOf(code as (typeof WEEKDAYS)[number]);
  if (index < 0) throw new RuleError(`${part} value '${code}' is not a weekday (MO, TU, WE, TH, FR, SA or SU).`);
  return index;
}

function until(value: string): Until {
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  const utc = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const parts = date ?? utc;
  if (!parts) {
    throw new RuleError(
      `UNTIL '${value}' must be a date (20261231) or a UTC date-time (20261231T235959Z); a local date-time without Z is ambiguous.`,
    );
  }
  const [y, mo, d, h = "0", mi = "0", s = "0"] = parts.slice(1).map((p) => p ?? "0");
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(at);
  if (back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || Number(s) > 59) {
    throw new RuleError(`UNTIL '${value}' is not a real date and time.`);
  }
  return date ? { kind: "date", date: `${y}-${mo}-${d}` } : { kind: "instant", at };
}

/** The rule as stored and shown: upper case, without an `RRULE:` prefix. */
export function canonicalRule(text: string) {
  return text
    .trim()
    .toUpperCase()
    .replace(/^RRULE:/, "");
}

/** Parses and checks a rule; throws RuleError whose message names the offending part. */
export function parseRule(text: string): Rule {
  const source = canonicalRule(text);
  if (source.includes("\n") || /^(DTSTART|EXDATE|RDATE)/.test(source)) {
    throw new RuleError(
      "Send only the RRULE value (FREQ=…;…); the task's due is the series start, so DTSTART, RDATE and EXDATE do not apply.",
    );
  }
  const parts = new Map<string, string>();
  for (const item of source.split(";")) {
    const [name, value, extra] = item.split("=");
    if (!name || value === undefined || value === "" || extra !== undefined) {
      throw new RuleError(`'${item}' is not a NAME=VALUE rule part.`);
    }
    if (parts.has(name)) throw new RuleError(`${name} appears more than once.`);
    parts.set(name, value);
  }
  const freq = parts.get("FREQ");
  if (!freq) throw new RuleError("FREQ is required (HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY).");
  if (freq === "MINUTELY" || freq === "SECONDLY") {
    throw new RuleError(`FREQ=${freq} is not supported: tasks recur at most hourly.`);
  }
  if (!FREQUENCIES.includes(freq as Frequency)) {
    throw new RuleError(`FREQ=${freq} is not a frequency (HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY).`);
  }
  const rule: Rule = { freq: freq as Frequency, interval: 1, wkst: 0 };
  for (const [name, value] of parts) {
    switch (name) {
      case "FREQ":
        break;
      case "INTERVAL":
        rule.interval = integers(name, value, 1, 1000, false)[0]!;
        break;
      case "COUNT":
        rule.count = integers(name, value, 1, 10_000, false)[0]!;
        break;
      case "UNTIL":
        rule.until = until(value);
        break;
      case "BYMONTH":
        rule.bymonth = integers(name, value, 1, 12, false);
        break;
      case "BYMONTHDAY":
        rule.bymonthday = integers(name, value, 1, 31, true);
        break;
      case "BYYEARDAY":
        rule.byyearday = integers(name, value, 1, 366, true);
        break;
      case "BYHOUR":
        rule.byhour = integers(name, value, 0, 23, false);
        break;
      case "BYMINUTE":
        rule.byminute = integers(name, value, 0, 59, false);
        break;
      case "BYSECOND":
        rule.bysecond = integers(name, value, 0, 59, false);
        break;
      case "BYSETPOS":
        rule.bysetpos = integers(name, value, 1, 366, true);
        break;
      case "WKST":
        rule.wkst = weekday(name, value);
        break;
      case "BYDAY":
        rule.byday = value.split(",").map((item) => {
          const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
          if (!m)
            throw new RuleError(`BYDAY value '${item}' is not a weekday, optionally with an ordinal (1MO, -1FR).`);
          const nth = m[1] === undefined ? undefined : Number(m[1]);
          if (nth !== undefined && (nth === 0 || Math.abs(nth) > 53)) {
            throw new RuleError(`BYDAY ordinal in '${item}' is out of range (1…53 or -53…-1).`);
          }
          return { weekday: weekday("BYDAY", m[2]!), nth };
        });
        break;
      case "BYWEEKNO":
        throw new RuleError("BYWEEKNO is not supported; use BYMONTH, BYMONTHDAY, BYYEARDAY or BYDAY.");
      default:
        throw new RuleError(`Unknown rule part '${name}'.`);
    }
  }
  checkCombinations(rule);
  return rule;
}

/** RFC 5545 §3.3.10's restrictions on which parts go with which frequency. */
function checkCombinations(rule: Rule) {
  if (rule.count !== undefined && rule.until) throw new RuleError("COUNT and UNTIL cannot both be set.");
  if (rule.bymonthday && rule.freq === "WEEKLY") throw new RuleError("BYMONTHDAY cannot be used with FREQ=WEEKLY.");
  if (rule.byyearday && ["DAILY", "WEEKLY", "MONTHLY"].includes(rule.freq)) {
    throw new RuleError(`BYYEARDAY cannot be used with FREQ=${rule.freq}.`);
  }
  if (rule.byday?.some((d) => d.nth !== undefined)) {
    if (rule.freq !== "MONTHLY" && rule.freq !== "YEARLY") {
      throw new RuleError(`BYDAY ordinals (like 1MO) need FREQ=MONTHLY or FREQ=YEARLY, not ${rule.freq}.`);
    }
    if (rule.freq === "MONTHLY" && rule.byday.some((d) => Math.abs(d.nth ?? 0) > 5)) {
      throw new RuleError("BYDAY ordinals with FREQ=MONTHLY are 1…5 or -5…-1.");
    }
  }
  const others = [rule.bymonth, rule.bymonthday, rule.byyearday, rule.byday, rule.byhour, rule.byminute, rule.bysecond];
  if (rule.bysetpos && !others.some(Boolean)) throw new RuleError("BYSETPOS needs another BYxxx part to select from.");
  const timesPerDay =
    (rule.freq === "HOURLY" ? 1 : (rule.byhour?.length ?? 1)) *
    (rule.byminute?.length ?? 1) *
    (rule.bysecond?.length ?? 1);
  if (timesPerDay > MAX_TIMES_PER_DAY)
    throw new RuleError(`The rule makes more than ${MAX_TIMES_PER_DAY} times a day.`);
}

/** Whether the rule sets a time of day, which an all-day (date-only) series cannot have. */
export const setsTimeOfDay = (rule: Rule) =>
  rule.freq === "HOURLY" || Boolean(rule.byhour || rule.byminute || rule.bysecond);
