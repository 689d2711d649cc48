import { describe, expect, it } from "vitest";
import { nextOccurrence } from "./recurrence";
import { parseRule, RuleError } from "./rrule";
import { followingOccurrence } from "./series";
import { fromLocal, normalizeTimeZone, offsetAt, toLocal, zoneCacheSizes } from "./zone";

const local = (s: string) => Date.parse(`${s}Z`);
const iso = (ms: number) => new Date(ms).toISOString();
const floating = (ms: number) => iso(ms).slice(0, 19);

/** The first `n` occurrences after `start` (floating), as local wall-clock text. */
function series(rule: string, start: string, n: number) {
  const r = parseRule(rule);
  const out: string[] = [];
  let at = local(start);
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(r, at, at);
    if (next === null) break;
    out.push(floating(next));
    at = next;
  }
  return out;
}

describe("time zones", () => {
  it("accepts listed zones, UTC and IANA links; refuses offsets, abbreviations and junk", () => {
    expect(normalizeTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(normalizeTimeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(normalizeTimeZone("UTC")).toBe("UTC");
    expect(normalizeTimeZone("utc")).toBe("UTC");
    expect(normalizeTimeZone("Etc/UTC")).toBe("Etc/UTC");
    expect(normalizeTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(normalizeTimeZone("America/New_York")).toBe("America/New_York");
    for (const bad of [
      "Mars/Olympus_Mons",
      "+01:00",
      "EST",
      "CET",
      "Factory",
      "",
      "Europe/Berlin/x",
      "Europe/Berlin ",
    ]) {
      expect(normalizeTimeZone(bad), bad).toBeNull();
    }
  });

  it("caches one formatter per zone whatever its spelling, and a bounded number of spellings", () => {
    const at = Date.parse("2026-07-01T12:00:00Z");
    const expected = { "US/Eastern": -4, "Asia/Kolkata": 5.5, "Europe/Berlin": 2, "Etc/GMT+5": -5 };
    for (const [zone, hours] of Object.entries(expected)) expect(offsetAt(at, zone)).toBe(hours * 3_600_000);
    const before = zoneCacheSizes().formatters;
    // 4,000 spellings of four zones, as a client might send them: every case of every letter.
    for (let i = 0; i < 1000; i++) {
      for (const [zone, hours] of Object.entries(expected)) {
        const spelling = [...zone].map((c, j) => ((i >> (j % 10)) & 1 ? c.toUpperCase() : c.toLowerCase())).join("");
        const stored = normalizeTimeZone(`${spelling}`);
        expect(stored?.toLowerCase()).toBe(zone.toLowerCase());
        expect(offsetAt(at, stored!)).toBe(hours * 3_600_000);
      }
    }
    expect(zoneCacheSizes().formatters).toBe(before);
    // README, Limits: at most 256 spellings of zone names are remembered.
    expect(zoneCacheSizes().spellings).toBeLessThanOrEqual(256);
  });

  it("resolves wall-clock times by RFC 5545: a skipped time moves forward by the gap, a repeated one is the first", () => {
    // Europe/Berlin skips 02:00–03:00 on 2026-03-29 and repeats 02:00–03:00 on 2026-10-25.
    expect(iso(fromLocal(local("2026-03-29T02:30:00"), "Europe/Berlin"))).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
    expect(iso(fromLocal(local("2026-10-25T02:30:00"), "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z"); // 02:30 CEST
    // America/New_York skips 02:00–03:00 on 2026-03-08 and repeats 01:00–02:00 on 2026-11-01.
    expect(iso(fromLocal(local("2026-03-08T02:30:00"), "America/New_York"))).toBe("2026-03-08T07:30:00.000Z"); // 03:30 EDT
    expect(iso(fromLocal(local("2026-11-01T01:30:00"), "America/New_York"))).toBe("2026-11-01T05:30:00.000Z"); // 01:30 EDT
    expect(iso(fromLocal(local("2026-07-01T09:00:00"), "Asia/Kolkata"))).toBe("2026-07-01T03:30:00.000Z");
    // Chile springs forward at midnight: an all-day task's day there starts at 01:00 (-03:00).
    expect(iso(fromLocal(local("2026-09-06T00:00:00"), "America/Santiago"))).toBe("2026-09-06T04:00:00.000Z");
    // Lord Howe Island moves by half an hour.
    expect(iso(fromLocal(local("2026-10-04T02:15:00"), "Australia/Lord_Howe"))).toBe("2026-10-03T15:45:00.000Z");
    expect(floating(toLocal(Date.parse("2026-03-29T01:30:00Z"), "Europe/Berlin"))).toBe("2026-03-29T03:30:00");
  });
});

describe("rule expansion (local wall-clock)", () => {
  it("weekdays at 09:00 skip the weekend", () => {
    expect(series("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9", "2026-03-05T09:00:00", 4)).toEqual([
      "2026-03-06T09:00:00",
      "2026-03-09T09:00:00",
      "2026-03-10T09:00:00",
      "2026-03-11T09:00:00",
    ]);
  });

  it("takes unspecified parts from the series start", () => {
    expect(series("FREQ=MONTHLY", "2026-01-31T08:15:00", 3)).toEqual([
      "2026-03-31T08:15:00",
      "2026-05-31T08:15:00",
      "2026-07-31T08:15:00",
    ]);
    expect(series("FREQ=WEEKLY;INTERVAL=2", "2026-03-02T10:00:00", 2)).toEqual([
      "2026-03-16T10:00:00",
      "2026-03-30T10:00:00",
    ]);
    expect(series("FREQ=YEARLY", "2028-02-29T12:00:00", 1)).toEqual(["2032-02-29T12:00:00"]);
  });

  it("handles ordinals, negative month days and BYSETPOS", () => {
    expect(series("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0", "2026-01-01T00:00:00", 3)).toEqual([
      "2026-01-30T17:00:00",
      "2026-02-27T17:00:00",
      "2026-03-27T17:00:00",
    ]);
    expect(series("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31T09:00:00", 2)).toEqual([
      "2026-02-28T09:00:00",
      "2026-03-31T09:00:00",
    ]);
    // The last weekday of the month.
    expect(series("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2026-01-01T09:00:00", 3)).toEqual([
      "2026-01-30T09:00:00",
      "2026-02-27T09:00:00",
      "2026-03-31T09:00:00",
    ]);
    expect(series("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "2026-01-01T12:00:00", 2)).toEqual([
      "2026-11-26T12:00:00",
      "2027-11-25T12:00:00",
    ]);
  });

  it("steps hourly within BYHOUR and skips filtered days", () => {
    expect(series("FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10,12;BYDAY=MO", "2026-03-06T12:00:00", 4)).toEqual([
      "2026-03-09T08:00:00",
      "2026-03-09T10:00:00",
      "2026-03-09T12:00:00",
      "2026-03-16T08:00:00",
    ]);
  });

  it("gives up on a rule that can never match within the horizon, quickly", () => {
    const started = Date.now();
    expect(series("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "2026-01-01T09:00:00", 1)).toEqual([]);
    expect(series("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31", "2026-01-01T09:00:00", 1)).toEqual([]);
    expect(series("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "2026-03-03T09:00:00", 1)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("rule checking", () => {
  const bad: [string, RegExp][] = [
    ["BYDAY=MO", /FREQ is required/],
    ["FREQ=MINUTELY", /at most hourly/],
    ["FREQ=FORTNIGHTLY", /not a frequency/],
    ["FREQ=WEEKLY;BYDAY=XX", /'XX' is not a weekday/],
    ["FREQ=DAILY;BYHOUR=24", /BYHOUR value '24' is out of range/],
    ["FREQ=DAILY;COUNT=3;UNTIL=20260101", /COUNT and UNTIL/],
    ["FREQ=DAILY;UNTIL=20260101T000000", /UNTIL .* UTC/],
    ["FREQ=DAILY;UNTIL=20260230", /not a real date/],
    ["FREQ=WEEKLY;BYDAY=1MO", /ordinals/],
    ["FREQ=WEEKLY;BYMONTHDAY=1", /BYMONTHDAY cannot/],
    ["FREQ=DAILY;BYWEEKNO=1", /BYWEEKNO is not supported/],
    ["FREQ=DAILY;COLOR=RED", /Unknown rule part 'COLOR'/],
    ["FREQ=DAILY;;", /NAME=VALUE/],
    ["FREQ=DAILY;FREQ=WEEKLY", /more than once/],
    ["FREQ=DAILY;BYSETPOS=1", /BYSETPOS needs/],
    ["DTSTART:20260101T090000Z\nRRULE:FREQ=DAILY", /DTSTART/],
  ];
  for (const [rule, message] of bad) {
    it(`refuses ${JSON.stringify(rule)}`, () => {
      expect(() => parseRule(rule)).toThrow(RuleError);
      expect(() => parseRule(rule)).toThrow(message);
    });
  }

  it("accepts an RRULE: prefix and lower case", () => {
    expect(parseRule("rrule:freq=weekly;byday=mo").byday).toEqual([{ weekday: 0, nth: undefined }]);
  });
});

describe("following occurrence of a series (DST, COUNT, UNTIL)", () => {
  /** Completes each due in turn, as the API does, and lists the dues as UTC instants. */
  function dues(rule: string, timezone: string, first: string, n: number) {
    let position = { occurrenceLocal: local(first), occurrence: 1 };
    const out = [iso(fromLocal(position.occurrenceLocal, timezone))];
    for (let i = 1; i < n; i++) {
      const due = fromLocal(position.occurrenceLocal, timezone);
      const next = followingOccurrence({ rule, timezone, ...position, due: { instant: due } });
      if (!next) break;
      position = next;
      out.push(iso(fromLocal(next.occurrenceLocal, timezone)));
    }
    return out;
  }

  it("daily 09:00 Europe/Berlin stays 09:00 local across both DST changes", () => {
    expect(dues("FREQ=DAILY;BYHOUR=9", "Europe/Berlin", "2026-03-28T09:00:00", 3)).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
    expect(dues("FREQ=DAILY;BYHOUR=9", "Europe/Berlin", "2026-10-24T09:00:00", 3)).toEqual([
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
    ]);
  });

  it("COUNT=3 stops after the third occurrence; UNTIL in the past gives none", () => {
    expect(dues("FREQ=DAILY;COUNT=3", "UTC", "2026-03-01T09:00:00", 10)).toHaveLength(3);
    expect(dues("FREQ=DAILY;UNTIL=20200101T000000Z", "UTC", "2026-03-01T09:00:00", 10)).toHaveLength(1);
    expect(dues("FREQ=DAILY;UNTIL=20260303", "UTC", "2026-03-01T09:00:00", 10)).toHaveLength(3);
  });
});
