import { describe, expect, it } from "vitest";
import { call, database, expectProblem } from "../../../test/helpers";

const sql = database();

async function createTask(body: Record<string, unknown>) {
  const res = await call("POST", "/tasks", { title: "with reminders", ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function createReminder(body: Record<string, unknown>) {
  const res = await call("POST", "/reminders", { channel: "telegram", ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** What the scan does when a provider accepts the message. */
const markSent = (id: string) =>
  sql`update reminders set status = 'sent', sent_at = now(), attempts = 1, delivery_state = 'accepted' where id = ${id}`;

describe("relative reminders", () => {
  it("fire at the task's due plus the offset, and carry the task's time zone", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_time: "2026-05-04T10:00:00Z" });
    const reminder = await createReminder({ task_id: task.id, offset_minutes: -30 });
    expect(reminder).toMatchObject({
      offset_minutes: -30,
      remind_at: "2026-05-04T09:30:00.000Z",
      next_attempt_at: "2026-05-04T09:30:00.000Z",
      status: "scheduled",
      timezone: "Europe/Berlin",
    });
    expect((await call("GET", `/reminders/${reminder.id}`)).body).toEqual(reminder);
    const listed = await call("GET", `/reminders?task_id=${task.id}`);
    expect(listed.body.items).toEqual([reminder]);
  });

  it("of an all-day task count from ALL_DAY_REMINDER_HOUR (09:00) local on its date", async () => {
    const task = await createTask({ timezone: "Europe/Berlin", due_date: "2026-03-29" });
    const onTheDay = await createReminder({ task_id: task.id, offset_minutes: 0 });
    expect(onTheDay.remind_at).toBe("2026-03-29T07:00:00.000Z"); // 09:00 CEST, the day the clocks go forward
    const dayBefore = await createReminder({ task_id: task.id, offset_minutes: -24 * 60 });
    expect(dayBefore.remind_at).toBe("2026-03-28T07:00:00.000Z"); // exactly 24 hours earlier: 08:00 CET
  });

  it("move with their task's due, re-armed, in the same transaction, with change-log entries; absolute ones stay", async () => {
    const task = await createTask({ due_time: "2026-05-04T10:00:00Z" });
    const relative = await createReminder({ task_id: task.id, offset_minutes: -30 });
    const absolute = await createReminder({ task_id: task.id, remind_at: "2026-05-04T08:00:00Z" });
    await markSent(relative.id);
    await markSent(absolute.id);

    const moved = await call("PATCH", `/tasks/${task.id}`, { due_time: "2026-05-04T12:00:00Z" });
    expect(moved.status).toBe(200);

    const rows = await sql`select id, remind_at, next_attempt_at, status, attempts, sent_at, version
      from reminders where task_id = ${task.id}`;
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[relative.id]).toMatchObject({ status: "scheduled", attempts: 0, sent_at: null, version: 2 });
    expect(byId[relative.id]!.remind_at.toISOString()).toBe("2026-05-04T11:30:00.000Z");
    expect(byId[relative.id]!.next_attempt_at.toISOString()).toBe("2026-05-04T11:30:00.000Z");
    expect(byId[absolute.id]).toMatchObject({ status: "sent", version: 1 });
    expect(byId[absolute.id]!.remind_at.toISOString()).toBe("2026-05-04T08:00:00.000Z");

    // The task's change and its reminder's change were committed by one transaction.
    const changes = await sql`
      select entity, op, entity_id, data from changes
      where txid = (select txid from changes where entity_id = ${task.id} order by seq desc limit 1)
      order by seq`;
    expect(changes.map((c) => [c.entity, c.op, c.entity_id])).toEqual([
      ["task", "updated", task.id],
      ["reminder", "updated", relative.id],
    ]);
    expect(changes[1]!.data).toMatchObject({ status: "scheduled", offset_minutes: -30 });
    expect(new Date(changes[1]!.data.remind_at).toISOString()).toBe("2026-05-04T11:30:00.000Z");
  });

  it("are not touched when an update leaves the due where it was", async () => {
    const task = await createTask({ due_time: "2026-05-04T10:00:00Z" });
    const relative = await createReminder({ task_id: task.id, offset_minutes: -5 });
    await markSent(relative.id);
    await call("PATCH", `/tasks/${task.id}`, { title: "renamed", due_time: "2026-05-04T10:00:00Z" });
    const [row] = await sql`select status, version from reminders where id = ${relative.id}`;
    expect(row).toEqual({ status: "sent", version: 1 });
  });

  it("re-arm for the next occurrence when a recurring task is completed", async () => {
    const task = await createTask({
      timezone: "Europe/Berlin",
      due_time: "2026-03-28T09:00:00+01:00",
      rrule: "FREQ=DAILY",
    });
    const relative = await createReminder({ task_id: task.id, offset_minutes: -15 });
    const absolute = await createReminder({ task_id: task.id, remind_at: "2026-03-28T07:00:00Z" });
    await markSent(relative.id);
    await markSent(absolute.id);
    const next = await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
    expect(next.body).toMatchObject({ status: "pending", due_time: "2026-03-29T07:00:00.000Z" });
    const after = await call("GET", `/reminders/${relative.id}`);
    expect(after.body).toMatchObject({ status: "scheduled", sent: false, remind_at: "2026-03-29T06:45:00.000Z" });
    expect((await call("GET", `/reminders/${absolute.id}`)).body).toMatchObject({ status: "sent" });
  });

  it("can be made absolute (remind_at) or relative (offset_minutes) with PATCH", async () => {
    const task = await createTask({ due_time: "2026-05-04T10:00:00Z" });
    const reminder = await createReminder({ task_id: task.id, remind_at: "2026-05-04T07:00:00Z" });
    const relative = await call("PATCH", `/reminders/${reminder.id}`, { offset_minutes: -60 });
    expect(relative.body).toMatchObject({ offset_minutes: -60, remind_at: "2026-05-04T09:00:00.000Z" });
    const absolute = await call("PATCH", `/reminders/${reminder.id}`, { remind_at: "2026-05-04T06:00:00Z" });
    expect(absolute.body).toMatchObject({ offset_minutes: null, remind_at: "2026-05-04T06:00:00.000Z" });
  });

  it("need a task with a due: 422 naming offset_minutes; and the due cannot be cleared under them", async () => {
    const undated = await createTask({});
    const problem = expectProblem(
      await call("POST", "/reminders", { task_id: undated.id, offset_minutes: -30, channel: "ui" }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["offset_minutes"]);
    const absolute = await createReminder({ task_id: undated.id, remind_at: "2026-05-04T06:00:00Z" });
    const patch = expectProblem(await call("PATCH", `/reminders/${absolute.id}`, { offset_minutes: 5 }), 422);
    expect(patch.errors?.map((e) => e.path)).toEqual(["offset_minutes"]);

    const dated = await createTask({ due_time: "2026-05-04T10:00:00Z" });
    await createReminder({ task_id: dated.id, offset_minutes: -30 });
    const clear = expectProblem(await call("PATCH", `/tasks/${dated.id}`, { due_time: null }), 422);
    expect(clear.errors?.map((e) => e.path)).toEqual(["due_time"]);
    expect((await call("GET", `/tasks/${dated.id}`)).body.due_time).toBe("2026-05-04T10:00:00.000Z");
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["both remind_at and offset_minutes", { remind_at: "2026-05-04T06:00:00Z", offset_minutes: -5 }, "offset_minutes"],
    ["neither remind_at nor offset_minutes", {}, "remind_at"],
    ["a fractional offset", { offset_minutes: 1.5 }, "offset_minutes"],
    ["an offset over a year", { offset_minutes: -600_000 }, "offset_minutes"],
  ];
  for (const [what, body, field] of invalid) {
    it(`refuses ${what} with 422 naming ${field}`, async () => {
      const task = await createTask({ due_time: "2026-05-04T10:00:00Z" });
      const problem = expectProblem(
        await call("POST", "/reminders", { task_id: task.id, channel: "ui", ...body }),
        422,
      );
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }
});

describe("POST /reminders/{id}/snooze", () => {
  async function sentReminder(body: Record<string, unknown> = { remind_at: "2026-05-04T06:00:00Z" }) {
    const task = await createTask({ timezone: "Asia/Tokyo", due_time: "2026-05-04T10:00:00Z" });
    const reminder = await createReminder({ task_id: task.id, ...body });
    await markSent(reminder.id);
    return reminder;
  }

  it("re-arms a sent reminder `minutes` from now", async () => {
    const reminder = await sentReminder();
    const before = Date.now();
    const res = await call("POST", `/reminders/${reminder.id}/snooze`, { minutes: 10 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "scheduled", sent: false, attempts: 0, timezone: "Asia/Tokyo" });
    const at = Date.parse(res.body.remind_at);
    expect(at).toBeGreaterThanOrEqual(before + 600_000 - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);
    expect(res.body.next_attempt_at).toBe(res.body.remind_at);
    const [row] = await sql`select status, version from reminders where id = ${reminder.id}`;
    expect(row).toEqual({ status: "scheduled", version: 2 });
  });

  it("re-arms until an instant, and a relative reminder stays relative", async () => {
    const reminder = await sentReminder({ offset_minutes: -30 });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call("POST", `/reminders/${reminder.id}/snooze`, { until });
    expect(res.body).toMatchObject({ remind_at: until, offset_minutes: -30, status: "scheduled" });
  });

  it("answers 409 for a reminder that has not fired yet, and 404 for none", async () => {
    const task = await createTask({ due_time: "2099-05-04T10:00:00Z" });
    const waiting = await createReminder({ task_id: task.id, offset_minutes: -30 });
    expectProblem(await call("POST", `/reminders/${waiting.id}/snooze`, { minutes: 5 }), 409);
    expectProblem(await call("POST", `/reminders/${crypto.randomUUID()}/snooze`, { minutes: 5 }), 404);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["both minutes and until", { minutes: 5, until: "2099-01-01T00:00:00Z" }, "minutes"],
    ["neither", {}, "minutes"],
    ["zero minutes", { minutes: 0 }, "minutes"],
    ["more than 30 days", { minutes: 43_201 }, "minutes"],
    ["an until in the past", { until: "2020-01-01T00:00:00Z" }, "until"],
    ["an until without an offset", { until: "2099-01-01T00:00:00" }, "until"],
  ];
  for (const [what, body, field] of invalid) {
    it(`refuses ${what} with 422 naming ${field}`, async () => {
      const reminder = await sentReminder();
      const problem = expectProblem(await call("POST", `/reminders/${reminder.id}/snooze`, body), 422);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }
});

describe("a recurring task's relative reminder, as the scan sees it (status=due is the scan's claim predicate)", () => {
  it("is due once per occurrence, not again after delivery, and re-armed only when the occurrence is completed", async () => {
    // Three days ago at 09:00 UTC: every occurrence below is already past, like a scan running late.
    const first = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000 + 9 * 3_600_000);
    const task = await createTask({ due_time: first.toISOString(), rrule: "FREQ=DAILY" });
    const reminder = await createReminder({ task_id: task.id, offset_minutes: -30 });
    const due = async () =>
      (await call("GET", `/reminders?task_id=${task.id}&status=due`)).body.items.map(
        (r: { id: string; remind_at: string }) => r.remind_at,
      );

    for (let occurrence = 0; occurrence < 3; occurrence++) {
      const expected = new Date(first.getTime() + occurrence * 86_400_000 - 30 * 60_000).toISOString();
      expect(await due()).toEqual([expected]); // late, but not skipped
      await markSent(reminder.id);
      expect(await due()).toEqual([]); // delivered: never twice
      expect(await due()).toEqual([]);
      const next = await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
      expect(next.body.occurrence).toBe(occurrence + 2);
    }
  });
});
