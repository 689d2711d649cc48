import { describe, expect, it } from "vitest";
import { call, database, expectProblem } from "../helpers";

/**
 * Issue #13, finding 1: an instant outside the documented range (README, Limits: 1970-01-01T00:00:00Z
 * to 9999-12-31T23:59:59.999Z) is refused with a 422 naming the field before anything is written,
 * and reading what is stored never fails for anyone. The reproductions are the issue's own.
 */
const sql = database();
const YEAR_MINUTES = 527_040; // the largest offset a reminder takes: 366 days

async function task(body: Record<string, unknown>) {
  const res = await call("POST", "/tasks", { title: "range", ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number };
}

const fields = (problem: { errors?: { path: string }[] }) => problem.errors?.map((e) => e.path);

async function readsStillAnswer() {
  for (const path of ["/tasks", "/reminders", "/changes?since=0&limit=1000", "/agenda"]) {
    const res = await call("GET", path);
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
  }
}

describe("the instant range", () => {
  it("refuses a relative reminder that its offset pushes before 1970, writing nothing", async () => {
    const { id } = await task({ due_time: "1970-03-01T00:00:00Z" });
    const problem = expectProblem(
      await call("POST", "/reminders", { task_id: id, offset_minutes: -YEAR_MINUTES, channel: "ui" }),
      422,
    );
    expect(fields(problem)).toEqual(["offset_minutes"]);
    expect(await sql`select 1 from reminders where task_id = ${id}`).toHaveLength(0);
    await readsStillAnswer();
  });

  it("refuses a relative reminder that its offset pushes past 9999", async () => {
    const { id } = await task({ due_time: "9999-12-01T00:00:00Z" });
    const problem = expectProblem(
      await call("POST", "/reminders", { task_id: id, offset_minutes: YEAR_MINUTES, channel: "ui" }),
      422,
    );
    expect(fields(problem)).toEqual(["offset_minutes"]);
    expect(await sql`select 1 from reminders where task_id = ${id}`).toHaveLength(0);
  });

  it("refuses moving a due so that a relative reminder would leave the range, and keeps the task as it was", async () => {
    const { id } = await task({ due_time: "2030-01-01T00:00:00Z" });
    const made = await call("POST", "/reminders", { task_id: id, offset_minutes: -YEAR_MINUTES, channel: "ui" });
    expect(made.status).toBe(201);
    const moved = await call("PATCH", `/tasks/${id}`, { due_time: "1970-06-01T00:00:00Z" });
    expectProblem(moved, 422);
    expect((await call("GET", `/tasks/${id}`)).body.due_time).toBe("2030-01-01T00:00:00.000Z");
    const patched = await call("PATCH", `/reminders/${made.body.id}`, { offset_minutes: YEAR_MINUTES });
    expect(patched.status).toBe(200);
    await readsStillAnswer();
  });

  const outside: [string, string, Record<string, unknown>, string][] = [
    ["due_time in year 0000", "POST", { title: "t", due_time: "0000-01-01T00:00:00Z" }, "due_time"],
    ["due_time in 1969", "POST", { title: "t", due_time: "1969-12-31T23:59:59Z" }, "due_time"],
    [
      "due_time whose offset carries it past 9999",
      "POST",
      { title: "t", due_time: "9999-12-31T23:59:59-14:00" },
      "due_time",
    ],
    ["due_time in year 10000", "POST", { title: "t", due_time: "10000-01-01T00:00:00Z" }, "due_time"],
    ["due_date in year 0000", "POST", { title: "t", due_date: "0000-01-01" }, "due_date"],
    [
      "due_date on 9999-12-31 (past the range in zones behind UTC)",
      "POST",
      { title: "t", due_date: "9999-12-31" },
      "due_date",
    ],
    [
      "due_date on 1970-01-01 (before the range in zones ahead of UTC)",
      "POST",
      { title: "t", due_date: "1970-01-01", timezone: "Pacific/Kiritimati" },
      "due_date",
    ],
  ];
  for (const [what, method, body, field] of outside) {
    it(`answers 422 naming ${field} for ${what}`, async () => {
      const problem = expectProblem(await call(method, "/tasks", body), 422);
      expect(fields(problem)).toEqual([field]);
    });
  }

  it("takes both ends of the range", async () => {
    for (const due_time of ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "9999-12-31T09:59:59+14:00"]) {
      const res = await call("POST", "/tasks", { title: "edge", due_time });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const [due_date, timezone] of [
      ["1970-01-02", "Pacific/Kiritimati"],
      ["9999-12-30", "Etc/GMT+12"],
    ]) {
      const res = await call("POST", "/tasks", { title: "edge", due_date, timezone });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const reminder = await call("POST", "/reminders", { task_id: res.body.id, offset_minutes: 0, channel: "ui" });
      expect(reminder.status, JSON.stringify(reminder.body)).toBe(201);
    }
    await readsStillAnswer();
  });

  it("answers 422 naming the field for a PATCH, a reminder time and list filters outside the range", async () => {
    const { id } = await task({});
    expect(fields(expectProblem(await call("PATCH", `/tasks/${id}`, { due_date: "0000-06-01" }), 422))).toEqual([
      "due_date",
    ]);
    expect(
      fields(
        expectProblem(
          await call("POST", "/reminders", { task_id: id, remind_at: "0000-01-01T00:00:00Z", channel: "ui" }),
          422,
        ),
      ),
    ).toEqual(["remind_at"]);
    expect(fields(expectProblem(await call("GET", "/tasks?due_after=0000-01-01T00:00:00Z"), 422))).toEqual([
      "due_after",
    ]);
    expect(fields(expectProblem(await call("GET", "/reminders?due_before=0001-01-01T00:00:00Z"), 422))).toEqual([
      "due_before",
    ]);
  });

  it("answers an agenda from the range's last day", async () => {
    for (const tz of ["UTC", "Pacific/Kiritimati", "Etc/GMT+12"]) {
      const res = await call("GET", `/agenda?from=9999-12-31T00:00:00Z&tz=${encodeURIComponent(tz)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(new Date(res.body.to).getTime()).toBeLessThanOrEqual(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    }
    expectProblem(await call("GET", "/agenda?from=9999-12-31T00:00:00Z&to=10000-01-01T00:00:00Z"), 422);
  });

  it("ends a series at the range's end instead of stepping past it", async () => {
    const { id } = await task({ due_time: "9999-12-29T12:00:00Z", rrule: "FREQ=DAILY" });
    const first = await call("PATCH", `/tasks/${id}`, { status: "completed" });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const last = await call("PATCH", `/tasks/${id}`, { status: "completed" });
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.status).toBe("completed");
    await readsStillAnswer();
  });

  it("backs the range in the database: a row written behind the API's back is refused", async () => {
    await expect(
      sql`insert into tasks (title, due_time, reminder_anchor) values ('x', '0001-01-01Z', '0001-01-01Z')`,
    ).rejects.toThrow(/tasks_due_time_range|tasks_reminder_anchor_range/);
    await expect(
      sql`insert into tasks (title, due_time, reminder_anchor, due_date) values ('x', now(), now(), '10000-01-01')`,
    ).rejects.toThrow(/tasks_due_date_range/);
  });

  it("reads a change recorded before the range existed without failing", async () => {
    // What the change-log trigger captured for such rows: Postgres' own JSON text of the instants.
    const [row] = await sql`
      with next as (update change_cursor set last_seq = last_seq + 1 where id = 1 returning last_seq)
      insert into changes (seq, entity, op, entity_id, data)
      select last_seq, 'reminder', 'deleted', gen_random_uuid(), ${sql.json({
        id: crypto.randomUUID(),
        remind_at: "0001-12-31T23:00:00+00:00 BC",
        next_attempt_at: "10000-01-01T00:00:00+00:00",
        created_at: "2026-01-01T00:00:00+00:00",
        channel: "ui",
        status: "scheduled",
        timezone: "UTC",
      })} from next returning seq`;
    const res = await call("GET", `/changes?since=${Number(row?.seq) - 1}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.changes[0].data).toMatchObject({
      remind_at: "1970-01-01T00:00:00.000Z",
      next_attempt_at: "9999-12-31T23:59:59.999Z",
    });
  });
});
