import { describe, expect, it } from "vitest";
import { CandidateBudget, MAX_CANDIDATES, RuleCostError } from "./budget";
import { nextOccurrence } from "./recurrence";
import { parseRule } from "./rrule";
import { followingOccurrence } from "./series";

const local = (s: string) => Date.parse(`${s}Z`);
const floating = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const every = (n: number) => Array.from({ length: n }, (_, i) => i).join(",");
const EVERY_MINUTE = `FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${every(24)};BYMINUTE=${every(60)}`;
/** The members of that rule's set in a leap year: 366 days × 1,440 minutes. */
const LEAP_YEAR_OF_MINUTES = 366 * 1440;

describe("the candidate budget", () => {
  it("counts every day of the century it searches for a rule that never matches", () => {
    const budget = new CandidateBudget();
    expect(
      nextOccurrence(
        parseRule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
        local("2026-01-01T09:00:00"),
        local("2026-01-01T09:00:00"),
        budget,
      ),
    ).toBeNull();
    // 100 years of daily periods, each one day to test.
    expect(budget.spent).toBeGreaterThanOrEqual(36_524);
    expect(budget.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
  });

  it("selects BYSETPOS from a year of minutes without enumerating it", () => {
    const budget = new CandidateBudget();
    const rule = parseRule(`${EVERY_MINUTE};BYSETPOS=-1`);
    const next = nextOccurrence(rule, local("2028-03-01T10:00:00"), local("2028-03-01T10:00:00"), budget);
    expect(floating(next!)).toBe("2028-12-31T23:59:00");
    expect(budget.spent).toBeLessThan(LEAP_YEAR_OF_MINUTES / 100);
  });

  it("walks an every-minute series postponed 1,000 minutes to the next minute, within the bound", () => {
    const start = local("2028-03-01T10:00:00");
    const budget = new CandidateBudget();
    const due = { instant: start + 1000 * 60_000 };
    const next = followingOccurrence(
      { rule: EVERY_MINUTE, timezone: "UTC", occurrenceLocal: start, occurrence: 1, due },
      budget,
    );
    expect(next).toEqual({ occurrenceLocal: start + 1001 * 60_000, occurrence: 1002 });
    expect(budget.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
  });

  it("stops a rhythm that never lands on its BYHOUR at the bound, not at the horizon", () => {
    // Every 2 hours from 10:00 reaches even hours only.
    const rule = parseRule("FREQ=HOURLY;INTERVAL=2;BYHOUR=1");
    const start = local("2026-05-04T10:00:00");
    const budget = new CandidateBudget();
    expect(() => nextOccurrence(rule, start, start, budget)).toThrow(RuleCostError);
    expect(budget.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
    const unbounded = new CandidateBudget(Number.POSITIVE_INFINITY);
    expect(nextOccurrence(rule, start, start, unbounded)).toBeNull();
    expect(unbounded.spent).toBeGreaterThan(MAX_CANDIDATES);
  });

  it("is the caller's to size", () => {
    const budget = new CandidateBudget(10);
    expect(() => nextOccurrence(parseRule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), 0, 0, budget)).toThrow(
      /more than 10 candidate/,
    );
    expect(budget.spent).toBeLessThanOrEqual(10);
  });
});
