import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dueMove, fuzzParameters, hostileRule, ZONES } from "../../test/rules";
import { RRULE_MAX } from "../db/schema";
import { CandidateBudget, MAX_CANDIDATES } from "../time/budget";
import { parseRule, RuleError, setsTimeOfDay } from "../time/rrule";
import { InvalidInputError } from "./errors";
import { planNextOccurrence, planSchedule, type Schedule } from "./task-schedule";

/**
 * The README's bound on a rule's cost, over the writes and completions of any rule a client can send:
 * creating a recurring task, moving its due, and completing it (which walks the series to the
 * occurrence after the due) each test at most MAX_CANDIDATES candidates. A rule past the bound is
 * refused with a 422 naming `rrule` (or `status`, for a due postponed past too many occurrences).
 */

const settings = { allDayReminderHour: 9 };
const MINUTE = 60_000;

/** Runs one step with a fresh budget: its schedule, or the field a 422 names. */
function step<T>(plan: (budget: CandidateBudget) => T) {
  const budget = new CandidateBudget();
  try {
    return { value: plan(budget), spent: budget.spent };
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    return { refused: err.errors.map((e) => e.path), spent: budget.spent };
  }
}

const instant = fc.integer({ min: Date.UTC(1971, 0, 1) / 1000, max: Date.UTC(2200, 0, 1) / 1000 }).map((s) => s * 1000);

describe("the cost of a recurrence rule", () => {
  it("stays under the candidate budget on every write and completion", () => {
    let cases = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        hostileRule,
        instant,
        fc.constantFrom(...ZONES),
        fc.boolean(),
        dueMove,
        (rrule, due, timezone, allDay, move) => {
          cases += 1;
          // What the API's schema refuses never reaches the planner.
          let rule: ReturnType<typeof parseRule>;
          try {
            rule = parseRule(rrule);
          } catch (err) {
            expect(err).toBeInstanceOf(RuleError);
            return;
          }
          if (rrule.length > RRULE_MAX) return;
          const dated = allDay && !setsTimeOfDay(rule);
          const input = dated
            ? { rrule, timezone, due_date: new Date(due).toISOString().slice(0, 10) }
            : { rrule, timezone, due_time: new Date(due) };

          const created = step((budget) => planSchedule(undefined, input, settings, budget));
          expect(created.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
          if (!created.value) {
            expect(created.refused).toEqual(["rrule"]);
            return;
          }
          accepted += 1;

          const movedDue = new Date(due + move * MINUTE);
          const moveInput = dated ? { due_date: movedDue.toISOString().slice(0, 10) } : { due_time: movedDue };
          const moved = step((budget) => planSchedule(created.value, moveInput, settings, budget));
          expect(moved.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
          const schedule = moved.value as Schedule;

          const completed = step((budget) => planNextOccurrence(schedule, settings, budget));
          expect(completed.spent).toBeLessThanOrEqual(MAX_CANDIDATES);
          if (completed.refused) {
            expect(["rrule", "status"]).toContain(completed.refused[0]);
            return;
          }
          const next = completed.value;
          if (!next) return;
          // The next occurrence lies after the due being completed, and each occurrence walked past
          // on the way to it was a candidate the budget counted.
          expect(next.due_time!.getTime()).toBeGreaterThan(schedule.due_time!.getTime());
          expect(completed.spent).toBeGreaterThanOrEqual(next.occurrence! - schedule.occurrence!);
        },
      ),
      fuzzParameters(300),
    );
    // Most generated rules are accepted, so the property is about rules that clients can store.
    expect(accepted).toBeGreaterThan(cases / 2);
  });
});
