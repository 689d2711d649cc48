import { describe, expect, it } from "vitest";
import { call, database, expectProblem, uniqueWindow } from "../../../test/helpers";

const sql = database();

async function createTask(body: Record<string, unknown>) {
  const res = await call("POST", "/tasks", { title: "time", ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Completes the task `n` times, as an agent would, and returns each response's task. */
async function complete(id: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const res = await call("PATCH", `/tasks/${id}`, { status: "completed" });
    expect(res.status).toBe(200);
    out.push(res.body);
  }
  return out;
}

describe("time zone", () => {
  it("defaults to UTC, is returned with every task, and is stored in the runtime's spelling", async () => {
    expect((await createTask({})).timezone).toBe("UTC");
    const berlin = await createTask({ timezone: "europe/berlin", due_time: "2026-03-01T10:00:00+01:00" });
    expect(berlin).toMatchObject({ timezone: "Europe/Berlin", due_time: "2026-03-01T09:00:00.000Z", all_day: false });
    expect((await call("GET", `/tasks/${berlin.id}`)).body.timezone).toBe("Europe/Berlin");
    expect((await createTask({ timezone: "Asia/Kolkata" })).timezone).toBe("Asia/Kolkata");
  });

  for (const zone of ["Mars/Olympus_Mons", "+01:00", "EST", "Europe/Berlin ", 42]) {
    it(`refuses timezone ${JSON.stringify(zone)} with 422 naming the field`, async () => {
      const problem = expectProblem(await call("POST", "/tasks", { title: "t", timezone: zone }), 422);
      expect(problem.errors?.map((e) => e.path)).toEqual(["timezone"]);
    });
  }

  it("changing a timed task's zone keeps its instant", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_time: "2026-03-01T09:00:00Z" });
    const res = await call("PATCH", `/tasks/${task.id}`, { timezone: "America/New_York" });
    expect(res.body).toMatchObject({ timezone: "America/New_York", due_time: "2026-03-01T09:00:00.000Z" });
  });
});

describe("all-day tasks", () => {
  it("store a date; due_time is local midnight, so due filters and sorting treat them like timed tasks", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_date: "2026-03-01" });
    expect(task).toMatchObject({ all_day: true, due_date: "2026-03-01", due_time: "2026-02-28T23:00:00.000Z" });
    const [row] = await sql`select due_date::text, all_day from tasks where id = ${task.id}`;
    expect(row).toEqual({ due_date: "2026-03-01", all_day: true });

    const w = uniqueWindow();
    const day = w.from.slice(0, 10);
    const allDay = await createTask({ timezone: "UTC", due_date: day });
    const q = (from: string, to: string) =>
      call("GET", `/tasks?due_after=${encodeURIComponent(from)}&due_before=${encodeURIComponent(to)}`);
    expect((await q(w.at(0), w.at(24))).body.items.map((t: { id: string }) => t.id)).toEqual([allDay.id]);
    expect((await q(w.at(1), w.at(24))).body.items).toEqual([]);
  });

  it("follow a change of zone: the date stays, its midnight moves", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_date: "2026-03-01" });
    const res = await call("PATCH", `/tasks/${task.id}`, { timezone: "America/New_York" });
    expect(res.body).toMatchObject({ due_date: "2026-03-01", due_time: "2026-03-01T05:00:00.000Z", all_day: true });
  });

  it("become timed when given a due_time, and all-day when given a due_date", async () => {
    const task = await createTask({ due_date: "2026-03-01" });
    const timed = await call("PATCH", `/tasks/${task.id}`, { due_time: "2026-03-02T10:00:00Z" });
    expect(timed.body).toMatchObject({ all_day: false, due_date: null, due_time: "2026-03-02T10:00:00.000Z" });
    const back = await call("PATCH", `/tasks/${task.id}`, { due_date: "2026-03-05" });
    expect(back.body).toMatchObject({ all_day: true, due_date: "2026-03-05", due_time: "2026-03-05T00:00:00.000Z" });
    const cleared = await call("PATCH", `/tasks/${task.id}`, { due_date: null });
    expect(cleared.body).toMatchObject({ all_day: false, due_date: null, due_time: null });
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["both due_time and due_date", { due_time: "2026-03-01T10:00:00Z", due_date: "2026-03-01" }, "due_date"],
    ["an impossible date", { due_date: "2026-02-30" }, "due_date"],
    ["a date with a time", { due_date: "2026-03-01T10:00:00Z" }, "due_date"],
    ["a client-set all_day", { all_day: true }, "all_day"],
  ];
  for (const [what, body, field] of invalid) {
    it(`refuses ${what} with 422 naming ${field}`, async () => {
      const problem = expectProblem(await call("POST", "/tasks", { title: "t", ...body }), 422);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }
});

describe("recurrence across DST (wall-clock time in the task's zone)", () => {
  it("a daily 09:00 Europe/Berlin task stays at 09:00 local through spring-forward", async () => {
    const task = await createTask({
      timezone: "Europe/Berlin",
      due_time: "2026-03-27T09:00:00+01:00",
      rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
    });
    expect(task).toMatchObject({ rrule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", occurrence: 1 });
    const dues = (await complete(task.id, 4)).map((t) => t.due_time);
    expect(dues).toEqual([
      "2026-03-28T08:00:00.000Z", // 09:00 CET
      "2026-03-29T07:00:00.000Z", // 09:00 CEST: the clocks went forward that night
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
    ]);
  });

  it("… and through fall-back", async () => {
    const task = await createTask({
      timezone: "Europe/Berlin",
      due_time: "2026-10-23T07:00:00Z",
      rrule: "FREQ=DAILY",
    });
    const dues = (await complete(task.id, 3)).map((t) => t.due_time);
    expect(dues).toEqual(["2026-10-24T07:00:00.000Z", "2026-10-25T08:00:00.000Z", "2026-10-26T08:00:00.000Z"]);
  });

  it("a daily 09:00 America/New_York task stays at 09:00 local through both changes", async () => {
    const spring = await createTask({
      timezone: "America/New_York",
      due_time: "2026-03-06T09:00:00-05:00",
      rrule: "FREQ=DAILY;BYHOUR=9",
    });
    expect((await complete(spring.id, 3)).map((t) => t.due_time)).toEqual([
      "2026-03-07T14:00:00.000Z", // 09:00 EST
      "2026-03-08T13:00:00.000Z", // 09:00 EDT
      "2026-03-09T13:00:00.000Z",
    ]);
    const autumn = await createTask({
      timezone: "America/New_York",
      due_time: "2026-10-31T09:00:00-04:00",
      rrule: "FREQ=DAILY;BYHOUR=9",
    });
    expect((await complete(autumn.id, 2)).map((t) => t.due_time)).toEqual([
      "2026-11-01T14:00:00.000Z", // 09:00 EST, the day the clocks went back
      "2026-11-02T14:00:00.000Z",
    ]);
  });

  it("a 02:30 that does not exist on the spring-forward day is 03:30 local (RFC 5545: shifted by the gap)", async () => {
    const task = await createTask({
      timezone: "Europe/Berlin",
      due_time: "2026-03-28T02:30:00+01:00",
      rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
    });
    expect((await complete(task.id, 2)).map((t) => t.due_time)).toEqual([
      "2026-03-29T01:30:00.000Z", // 03:30 CEST: 02:30 was skipped, read with the pre-gap offset +01:00
      "2026-03-30T00:30:00.000Z", // 02:30 CEST again
    ]);
  });
});

describe("recurrence rules", () => {
  it("a weekday rule skips the weekend", async () => {
    const task = await createTask({
      timezone: "Europe/Berlin",
      due_time: "2026-03-05T09:00:00+01:00", // a Thursday
      rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
    });
    expect((await complete(task.id, 3)).map((t) => t.due_time)).toEqual([
      "2026-03-06T08:00:00.000Z", // Friday
      "2026-03-09T08:00:00.000Z", // Monday
      "2026-03-10T08:00:00.000Z",
    ]);
  });

  it("COUNT=3 stops after three: the third completion completes the task; each is recorded", async () => {
    const task = await createTask({ due_time: "2026-04-01T09:00:00Z", rrule: "FREQ=DAILY;COUNT=3" });
    const [first, second, third] = await complete(task.id, 3);
    expect(first).toMatchObject({ status: "pending", occurrence: 2, due_time: "2026-04-02T09:00:00.000Z" });
    expect(second).toMatchObject({ status: "pending", occurrence: 3, due_time: "2026-04-03T09:00:00.000Z" });
    expect(third).toMatchObject({ status: "completed", occurrence: 3, due_time: "2026-04-03T09:00:00.000Z" });
    const completions = await sql`
      select occurrence, due_time from task_completions where task_id = ${task.id} order by completed_at, occurrence`;
    expect(completions.map((c) => [c.occurrence, c.due_time.toISOString()])).toEqual([
      [1, "2026-04-01T09:00:00.000Z"],
      [2, "2026-04-02T09:00:00.000Z"],
      [3, "2026-04-03T09:00:00.000Z"],
    ]);
    // Completing it again changes nothing and records nothing.
    await complete(task.id, 1);
    expect(await sql`select 1 from task_completions where task_id = ${task.id}`).toHaveLength(3);
  });

  it("UNTIL in the past gives no further occurrence", async () => {
    const task = await createTask({ due_time: "2026-04-01T09:00:00Z", rrule: "FREQ=DAILY;UNTIL=20200101T000000Z" });
    const [done] = await complete(task.id, 1);
    expect(done).toMatchObject({ status: "completed", due_time: "2026-04-01T09:00:00.000Z" });
  });

  it("an all-day series advances by date and keeps local midnight", async () => {
    const task = await createTask({ timezone: "America/New_York", due_date: "2026-03-07", rrule: "FREQ=DAILY" });
    const [next] = await complete(task.id, 1);
    expect(next).toMatchObject({ due_date: "2026-03-08", due_time: "2026-03-08T05:00:00.000Z", status: "pending" });
    const [after] = await complete(task.id, 1);
    expect(after).toMatchObject({ due_date: "2026-03-09", due_time: "2026-03-09T04:00:00.000Z" });
  });

  it("moving one occurrence keeps the series: the next one is the rule's, not the moved time's", async () => {
    const task = await createTask({ due_time: "2026-04-06T09:00:00Z", rrule: "FREQ=DAILY" });
    await call("PATCH", `/tasks/${task.id}`, { due_time: "2026-04-06T07:00:00Z" }); // earlier, same day
    const [next] = await complete(task.id, 1);
    expect(next.due_time).toBe("2026-04-07T09:00:00.000Z");
    await call("PATCH", `/tasks/${task.id}`, { due_time: "2026-04-09T12:00:00Z" }); // postponed past two
    const [later] = await complete(task.id, 1);
    expect(later.due_time).toBe("2026-04-10T09:00:00.000Z");
  });

  const invalid: [string, Record<string, unknown>, string, RegExp][] = [
    ["an unknown frequency", { rrule: "FREQ=FORTNIGHTLY", due_time: "2026-04-01T09:00:00Z" }, "rrule", /FORTNIGHTLY/],
    ["a bad weekday", { rrule: "FREQ=WEEKLY;BYDAY=XX", due_time: "2026-04-01T09:00:00Z" }, "rrule", /'XX'/],
    [
      "COUNT with UNTIL",
      { rrule: "FREQ=DAILY;COUNT=2;UNTIL=20270101", due_time: "2026-04-01T09:00:00Z" },
      "rrule",
      /COUNT/,
    ],
    ["a rule without a due", { rrule: "FREQ=DAILY" }, "rrule", /needs a due/],
    ["an all-day rule with a time", { rrule: "FREQ=DAILY;BYHOUR=9", due_date: "2026-04-01" }, "rrule", /time of day/],
  ];
  for (const [what, body, field, message] of invalid) {
    it(`refuses ${what} with 422 naming ${field}`, async () => {
      const problem = expectProblem(await call("POST", "/tasks", { title: "t", ...body }), 422);
      expect(problem.errors?.map((e) => e.path)).toEqual([field]);
      expect(problem.errors?.[0]?.message).toMatch(message);
    });
  }

  it("refuses clearing the due of a recurring task", async () => {
    const task = await createTask({ due_time: "2026-04-01T09:00:00Z", rrule: "FREQ=DAILY" });
    const problem = expectProblem(await call("PATCH", `/tasks/${task.id}`, { due_time: null }), 422);
    expect(problem.errors?.[0]?.path).toBe("due_time");
  });
});

describe("GET /tasks/{id}/completions", () => {
  it("lists each completed occurrence, newest first, and pages", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_date: "2026-06-01", rrule: "FREQ=WEEKLY" });
    await complete(task.id, 3);
    const first = await call("GET", `/tasks/${task.id}/completions?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { occurrence: number }) => c.occurrence)).toEqual([3, 2]);
    expect(first.body.items[0]).toMatchObject({
      task_id: task.id,
      due_date: "2026-06-15",
      due_time: "2026-06-14T22:00:00.000Z",
    });
    const second = await call("GET", `/tasks/${task.id}/completions?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ next_cursor: null });
    expect(second.body.items.map((c: { occurrence: number }) => c.occurrence)).toEqual([1]);
  });

  it("answers 404 for a missing task and an empty page for a task never completed", async () => {
    expectProblem(await call("GET", `/tasks/${crypto.randomUUID()}/completions`), 404);
    const task = await createTask({});
    expect((await call("GET", `/tasks/${task.id}/completions`)).body).toEqual({ items: [], next_cursor: null });
  });
});

describe("concurrent completions", () => {
  it("record one completion per occurrence however many agents complete it at once", async () => {
    const plain = await createTask({});
    const recurring = await createTask({ due_time: "2026-07-01T09:00:00Z", rrule: "FREQ=DAILY" });
    const results = await Promise.all(
      [plain.id, plain.id, plain.id, recurring.id, recurring.id].map((id) =>
        call("PATCH", `/tasks/${id}`, { status: "completed" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await sql`select 1 from task_completions where task_id = ${plain.id}`).toHaveLength(1);
    // Each completion of a recurring task completes the occurrence it found: two calls, two occurrences.
    const done = await sql`select occurrence from task_completions where task_id = ${recurring.id} order by occurrence`;
    expect(done.map((c) => c.occurrence)).toEqual([1, 2]);
    expect((await call("GET", `/tasks/${recurring.id}`)).body).toMatchObject({ occurrence: 3, status: "pending" });
  });
});
