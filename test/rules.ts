import { env } from "cloudflare:test";
import fc from "fast-check";

/**
 * Recurrence rules at the edges of what RFC 5545 lets a client write: every value of a BYxxx part
 * (the densest sets), long BYSETPOS lists, ordinals up to ±53, rhythms (INTERVAL) that rarely or
 * never meet their filters. Each is a rule a client can send; the server may refuse it (422) but
 * must never spend unbounded work on it.
 */

/** CI runs the pinned seed; FUZZ_RUNS=5000 runs more cases from a fresh one (fast-check prints it on failure). */
export function fuzzParameters(defaultRuns: number) {
  const runs = (env as { FUZZ_RUNS?: string }).FUZZ_RUNS;
  return runs ? { numRuns: Number(runs) } : { numRuns: defaultRuns, seed: 20_260_401 };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** Every value (for short sets), a contiguous run of up to `run`, or a few scattered ones. */
const values = (all: number[], run = all.length) =>
  fc.oneof(
    ...(run >= all.length ? [fc.constant(all)] : []),
    fc
      .tuple(fc.nat(all.length - 1), fc.integer({ min: 1, max: run }))
      .map(([from, length]) => all.slice(from, from + length)),
    fc.uniqueArray(fc.constantFrom(...all), { minLength: 1, maxLength: 6 }),
  );

const signed = (max: number) => [...range(1, max), ...range(-max, -1)];
const weekdays = (ordinals: string[]) =>
  fc.oneof(
    fc.constant(DAYS),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...ordinals), fc.constantFrom(...DAYS)), {
        minLength: 1,
        maxLength: 7,
        selector: ([n, d]) => `${n}${d}`,
      })
      .map((items) => items.map(([n, d]) => `${n}${d}`)),
  );

const FREQUENCIES = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;

/**
 * A rule text the parser accepts (RFC 5545's combinations, at most 1,440 times a day), mostly
 * short enough for the API's length limit.
 */
export const hostileRule = fc.constantFrom(...FREQUENCIES).chain((freq) =>
  fc
    .tuple(
      fc.oneof(fc.constantFrom(1, 2, 3, 5, 7, 23, 24, 25, 48, 168, 1000), fc.integer({ min: 1, max: 1000 })),
      fc.record(
        {
          BYMONTH: values(range(1, 12)),
          ...(freq === "WEEKLY" ? {} : { BYMONTHDAY: values(signed(31)) }),
          ...(freq === "YEARLY" || freq === "HOURLY" ? { BYYEARDAY: values(signed(366), 60) } : {}),
          BYDAY: weekdays(
            freq === "YEARLY"
              ? ["", "1", "-1", "20", "53", "-53"]
              : freq === "MONTHLY"
                ? ["", "1", "-1", "5", "-5"]
                : [""],
          ),
          BYHOUR: values(range(0, 23)),
          BYMINUTE: values(range(0, 59)),
          BYSECOND: values(range(0, 59)),
          BYSETPOS: values(signed(366), 60),
          COUNT: fc.integer({ min: 1, max: 10_000 }).map((n) => [n]),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([interval, parts]) => {
      const hours = freq === "HOURLY" ? 1 : (parts.BYHOUR?.length ?? 1);
      if (hours * (parts.BYMINUTE?.length ?? 1) * (parts.BYSECOND?.length ?? 1) > 1440) delete parts.BYSECOND;
      // BYSETPOS needs another BYxxx part to select from.
      if (!Object.keys(parts).some((name) => name.startsWith("BY") && name !== "BYSETPOS")) delete parts.BYSETPOS;
      const rest = Object.entries(parts).map(([name, list]) => `${name}=${list.join(",")}`);
      return [`FREQ=${freq}`, `INTERVAL=${interval}`, ...rest].join(";");
    }),
);

/** How far a client moves the due before completing it: not at all, by minutes, days, or centuries. */
export const dueMove = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -2_000, max: 2_000 }),
  fc.integer({ min: 1, max: 20_000 }),
  fc.integer({ min: 1, max: 200 * 525_600 }),
);

export const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe",
  "Pacific/Apia",
  "Asia/Kolkata",
];
