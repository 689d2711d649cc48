import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../../../test/helpers";
import { dueMove, fuzzParameters, hostileRule, ZONES } from "../../../test/rules";

/**
 * A rule's cost through the API (README, Recurrence: one evaluation tests at most 100,000
 * candidates). The counts themselves are asserted in worker/services/rule-cost.test.ts; here, that
 * the costliest rules answer with a result or a 422 naming the field, never a 5xx.
 */

const MINUTE = 60_000;
const every = (n: number) => Array.from({ length: n }, (_, i) => i).join(",");
/** Every minute of every day: the rule that once took 14.7 s to complete. */
const EVERY_MINUTE = `FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${every(24)};BYMINUTE=${every(60)}`;

async function create(body: Record<string, unknown>) {
  const res = await call("POST", "/tasks", { title: "rule cost", ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Moves the due `minutes` ahead of `from`, then completes the task. */
async function postponeAndComplete(id: string, from: string, minutes: number) {
  const moved = await call("PATCH", `/tasks/${id}`, {
    due_time: new Date(Date.parse(from) + minutes * MINUTE).toISOString(),
  });
  expect(moved.status).toBe(200);
  return call("PATCH", `/tasks/${id}`, { status: "completed" });
}

describe("a rule's cost", () => {
  const start = "2026-05-04T10:00:00.000Z";
  const minutesAfter = (n: number) => new Date(Date.parse(start) + n * MINUTE).toISOString();

  it("completing an every-minute series postponed 1,000 minutes lands on the next minute", async () => {
    const task = await create({ due_time: start, rrule: EVERY_MINUTE });
    const res = await postponeAndComplete(task.id, start, 1000);
    expect(res.status).toBe(200);
    // Occurrence 1 is the start; each minute after it is one more.
    expect(res.body).toMatchObject({ status: "pending", occurrence: 1002, due_time: minutesAfter(1001) });
  });

  it("walks the series up to its 10,000-occurrence limit, and refuses past it naming status", async () => {
    const task = await create({ due_time: start, rrule: EVERY_MINUTE });
    const res = await postponeAndComplete(task.id, start, 9_999);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ occurrence: 10_001, due_time: minutesAfter(10_000) });

    const again = await postponeAndComplete(task.id, minutesAfter(10_000), 10_000);
    const problem = expectProblem(again, 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(["status"]);
  });

  it("refuses at the write a rule whose next occurrence costs more than the bound to find", async () => {
    // From 10:00 an every-2-hours rhythm only reaches even hours, so BYHOUR=1 never matches; finding
    // that out takes a century of days at twelve hours each.
    const problem = expectProblem(
      await call("POST", "/tasks", { title: "never", due_time: start, rrule: "FREQ=HOURLY;INTERVAL=2;BYHOUR=1" }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["rrule"]);
    expect(problem.errors?.[0]?.message).toMatch(/100,000 candidate/);
  });

  it("cuts off a completion that would walk past the bound, naming rrule", async () => {
    // The last Friday of each month, postponed 300 years: 3,600 months of about 31 days each to test.
    const task = await create({ due_time: "2026-01-30T09:00:00Z", rrule: "FREQ=MONTHLY;BYDAY=-1FR" });
    const res = await postponeAndComplete(task.id, "2026-01-30T09:00:00Z", 300 * 525_960);
    const problem = expectProblem(res, 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(["rrule"]);
    expect(problem.errors?.[0]?.message).toMatch(/100,000 candidate/);
    expect((await call("GET", `/tasks/${task.id}`)).body).toMatchObject({ status: "pending", occurrence: 1 });
  });

  it("answers a result or a 422 naming the field, never a 5xx, for hostile rules", async () => {
    await fc.assert(
      fc.asyncProperty(hostileRule, fc.constantFrom(...ZONES), dueMove, async (rrule, timezone, move) => {
        const created = await call("POST", "/tasks", { title: "hostile rule", due_time: start, timezone, rrule });
        if (created.status !== 201) {
          expect(expectProblem(created, 422).errors?.map((e) => e.path)).toEqual(["rrule"]);
          return;
        }
        const res = await postponeAndComplete(created.body.id, start, move);
        if (res.status !== 200) expect(["rrule", "status"]).toContain(expectProblem(res, 422).errors?.[0]?.path);
      }),
      fuzzParameters(30),
    );
  });
});
