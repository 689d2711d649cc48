import fc from "fast-check";
import { RRule } from "rrule";
import { describe, expect, it } from "vitest";
import { nextOccurrence } from "./recurrence";
import { parseRule } from "./rrule";

/**
 * Our engine against rrule.js (python-dateutil's port, a dev dependency only) on random rules, both
 * in floating time where there is no DST: the same occurrences, in the same order.
 */

const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
// Sorted: rrule.js emits times in the order a BYxxx list gives them, which is its bug, not the point here.
const subset = <T>(values: T[], max: number) =>
  fc.option(
    fc
      .uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: max })
      .map((list) => list.sort((a, b) => values.indexOf(a) - values.indexOf(b))),
    { nil: undefined },
  );

const ruleText = fc
  .record({
    freq: fc.constantFrom("DAILY", "WEEKLY", "MONTHLY", "YEARLY"),
    interval: fc.integer({ min: 1, max: 3 }),
    bymonth: subset([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3),
    bymonthday: subset([1, 2, 10, 15, 28, 29, 30, 31, -1, -2], 3),
    byday: subset(DAYS, 3),
    nth: fc.option(fc.constantFrom(1, 2, -1), { nil: undefined }),
    byhour: subset([0, 6, 9, 17, 23], 2),
    byminute: subset([0, 15, 30], 2),
    bysetpos: fc.option(fc.constantFrom(1, -1, 2), { nil: undefined }),
    wkst: fc.constantFrom("MO", "SU"),
  })
  .map((r) => {
    const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`, `WKST=${r.wkst}`];
    if (r.bymonth) parts.push(`BYMONTH=${r.bymonth.join(",")}`);
    if (r.bymonthday && r.freq !== "WEEKLY") parts.push(`BYMONTHDAY=${r.bymonthday.join(",")}`);
    const ordinal = r.nth !== undefined && (r.freq === "MONTHLY" || r.freq === "YEARLY") ? r.nth : "";
    if (r.byday) parts.push(`BYDAY=${r.byday.map((d) => `${ordinal}${d}`).join(",")}`);
    if (r.byhour) parts.push(`BYHOUR=${r.byhour.join(",")}`);
    if (r.byminute) parts.push(`BYMINUTE=${r.byminute.join(",")}`);
    // rrule.js starts a weekly series' first week at DTSTART rather than at WKST, so BYSETPOS counts
    // differently there; we count over the whole week, as RFC 5545 defines the period.
    if (r.bysetpos !== undefined && parts.length > 3 && r.freq !== "WEEKLY") parts.push(`BYSETPOS=${r.bysetpos}`);
    return parts.join(";");
  });

const start = fc
  .date({ min: new Date("2025-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => Math.floor(d.getTime() / 60_000) * 60_000);

function ours(text: string, from: number, n: number) {
  const rule = parseRule(text);
  const out: string[] = [];
  let at = from;
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(rule, from, at);
    if (next === null) break;
    out.push(new Date(next).toISOString());
    at = next;
  }
  return out;
}

function theirs(text: string, from: number, n: number) {
  const rule = new RRule({ ...RRule.parseString(text), dtstart: new Date(from) });
  const horizon = new Date(from + 100 * 366 * 86_400_000);
  const out: string[] = [];
  rule.all((date, i) => {
    if (date > horizon) return false;
    if (date.getTime() > from) out.push(date.toISOString());
    return i < n + 1 && out.length < n;
  });
  return out;
}

describe("the rule engine agrees with rrule.js", () => {
  it("on random rules in floating time", () => {
    fc.assert(
      fc.property(ruleText, start, (text, from) => {
        // A rule that never matches costs rrule.js its whole range (to year 9999), so only rules
        // ours finds occurrences of are compared; never-matching ones are covered in time.test.ts.
        const found = ours(text, from, 4);
        fc.pre(found.length === 4);
        expect(found).toEqual(theirs(text, from, 4));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
