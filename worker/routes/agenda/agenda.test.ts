import { describe, expect, it } from "vitest";
import { api, call, createKey, database, expectProblem, uniqueWindow } from "../../../test/helpers";

const sql = database();

/** Creates a pending task due at `due_time` through the typed client. */
async function task(due_time: string, fields: { status?: "pending" | "completed" | "cancelled" } = {}) {
  const res = await api().tasks.$post({ json: { title: `agenda ${due_time}`, due_time, ...fields } });
  if (res.status !== 201) throw new Error(`could not create task: ${res.status}`);
  return res.json();
}

async function reminder(task_id: string, remind_at: string) {
  const res = await api().reminders.$post({ json: { task_id, remind_at, channel: "ui" } });
  if (res.status !== 201) throw new Error(`could not create reminder: ${res.status}`);
  return res.json();
}

async function agenda(query: { from?: string; to?: string; tz?: string; assignee?: string }, key?: string) {
  const res = await api(key).agenda.$get({ query });
  if (res.status !== 200) throw new Error(`agenda failed: ${res.status} ${await res.text()}`);
  return res.json();
}

type AgendaBody = Awaited<ReturnType<typeof agenda>>;

/** Where each of `ids` landed: local date → ids in order. Other tests' rows in the window are ignored. */
function placement(body: AgendaBody, ids: string[]) {
  const idOf = (e: AgendaBody["days"][number]["entries"][number]) => (e.kind === "task" ? e.task.id : e.reminder.id);
  return Object.fromEntries(
    body.days
      .map((day) => [day.date, day.entries.map(idOf).filter((id) => ids.includes(id))] as const)
      .filter(([, found]) => found.length > 0),
  );
}

describe("GET /agenda: local days", () => {
  it("puts the same instants on different local days in Asia/Kolkata, America/New_York and Pacific/Auckland", async () => {
    const early = await task("2026-06-15T03:00:00Z"); // Kolkata 08:30 15th, New York 23:00 14th, Auckland 15:00 15th
    const midday = await task("2026-06-15T10:00:00Z"); // 15:30 15th, 06:00 15th, 22:00 15th
    const late = await task("2026-06-15T20:00:00Z"); // 01:30 16th, 16:00 15th, 08:00 16th
    const ping = await reminder(midday.id, "2026-06-15T12:15:00Z"); // 17:45 15th, 08:15 15th, 00:15 16th
    const ids = [early.id, midday.id, late.id, ping.id];
    const window = { from: "2026-06-14T00:00:00Z", to: "2026-06-17T00:00:00Z" };

    const kolkata = await agenda({ ...window, tz: "Asia/Kolkata" });
    expect(placement(kolkata, ids)).toEqual({
      "2026-06-15": [early.id, midday.id, ping.id],
      "2026-06-16": [late.id],
    });
    const newYork = await agenda({ ...window, tz: "America/New_York" });
    expect(placement(newYork, ids)).toEqual({
      "2026-06-14": [early.id],
      "2026-06-15": [midday.id, ping.id, late.id],
    });
    const auckland = await agenda({ ...window, tz: "Pacific/Auckland" });
    expect(placement(auckland, ids)).toEqual({
      "2026-06-15": [early.id, midday.id],
      "2026-06-16": [ping.id, late.id],
    });

    const entry = auckland.days
      .flatMap((d) => d.entries)
      .find((e) => e.kind === "reminder" && e.reminder.id === ping.id);
    expect(entry).toMatchObject({
      kind: "reminder",
      at: "2026-06-15T12:15:00.000Z",
      local_time: "2026-06-16T00:15:00+12:00",
      reminder: { id: ping.id, task_id: midday.id, remind_at: "2026-06-15T12:15:00.000Z", status: "scheduled" },
      task: { id: midday.id, title: midday.title },
    });
    // "exactly as /tasks and /reminders show them" (README, Agenda): the reminder carries its task's zone.
    expect(entry?.kind === "reminder" && entry.reminder).toEqual(ping);
    expect(ping.timezone).toBe("UTC");
    const kolkataLate = kolkata.days.flatMap((d) => d.entries).find((e) => e.kind === "task" && e.task.id === late.id);
    expect(kolkataLate).toMatchObject({ local_time: "2026-06-16T01:30:00+05:30", task: late });
  });

  it("keeps a 23-hour day whole across the spring-forward change in America/New_York", async () => {
    const ids = [
      (await task("2026-03-08T00:30:00-05:00")).id,
      (await task("2026-03-08T01:59:00-05:00")).id,
      (await task("2026-03-08T03:00:00-04:00")).id, // one minute of wall clock after the one before
      (await task("2026-03-08T23:30:00-04:00")).id,
      (await task("2026-03-09T00:15:00-04:00")).id,
    ];
    const body = await agenda({ from: "2026-03-08T00:00:00-05:00", tz: "America/New_York" });
    // No `to`: the end of from's local day, which is 23 hours long.
    expect(body.from).toBe("2026-03-08T05:00:00.000Z");
    expect(body.to).toBe("2026-03-09T04:00:00.000Z");
    expect(placement(body, ids)).toEqual({ "2026-03-08": ids.slice(0, 4) });
    const times = body.days[0]!.entries.filter((e) => e.kind === "task" && ids.includes(e.task.id));
    expect(times.map((e) => e.local_time)).toEqual([
      "2026-03-08T00:30:00-05:00",
      "2026-03-08T01:59:00-05:00",
      "2026-03-08T03:00:00-04:00",
      "2026-03-08T23:30:00-04:00",
    ]);

    const twoDays = await agenda({
      from: "2026-03-08T00:00:00-05:00",
      to: "2026-03-10T00:00:00-04:00",
      tz: "America/New_York",
    });
    expect(placement(twoDays, ids)).toEqual({ "2026-03-08": ids.slice(0, 4), "2026-03-09": [ids[4]] });
    // In UTC the same rows split differently: 23:30 and 00:15 New York time are both on the 9th.
    const utc = await agenda({ from: "2026-03-08T00:00:00Z", to: "2026-03-10T00:00:00Z" });
    expect(utc.tz).toBe("UTC");
    expect(placement(utc, ids)).toEqual({ "2026-03-08": ids.slice(0, 3), "2026-03-09": ids.slice(3) });
  });

  it("keeps a 25-hour day whole when Pacific/Auckland leaves daylight saving time", async () => {
    const first = await task("2026-04-05T02:30:00+13:00"); // before the clocks go back at 03:00
    const again = await task("2026-04-05T02:30:00+12:00"); // the same wall-clock time, an hour later
    const last = await task("2026-04-05T23:30:00+12:00");
    const body = await agenda({ from: "2026-04-05T00:00:00+13:00", tz: "Pacific/Auckland" });
    expect(body.to).toBe("2026-04-05T12:00:00.000Z");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(25 * 3_600_000);
    expect(placement(body, [first.id, again.id, last.id])).toEqual({ "2026-04-05": [first.id, again.id, last.id] });
  });

  it("covers today in the zone by default", async () => {
    const body = await agenda({ tz: "Asia/Kolkata" });
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    expect(to - from).toBe(24 * 3_600_000);
    expect(new Date(from).toISOString()).toMatch(/T18:30:00\.000Z$/); // local midnight, +05:30
    expect(Date.now()).toBeGreaterThanOrEqual(from);
    expect(Date.now()).toBeLessThan(to);
  });
});

describe("GET /agenda: what is on it", () => {
  it("lists overdue pending tasks first, oldest first, then the day's tasks and reminders, failed and missed ones included", async () => {
    const w = uniqueWindow(48);
    const from = w.at(24);
    const older = await task(w.at(22));
    const overdue = await task(w.at(23));
    const doneLate = await task(w.at(23.5), { status: "completed" });
    const due = await task(w.at(30));
    const cancelled = await task(w.at(31), { status: "cancelled" });
    const scheduled = await reminder(due.id, w.at(29));
    const delivered = await reminder(due.id, w.at(29.5));
    await sql`update reminders set status = 'sent', sent_at = now(), delivery_state = 'accepted' where id = ${delivered.id}`;
    const failed = await reminder(overdue.id, w.at(33));
    await sql`update reminders set status = 'failed' where id = ${failed.id}`;
    const missed = await reminder(overdue.id, w.at(34));
    await sql`update reminders set status = 'missed' where id = ${missed.id}`;
    const skipped = await reminder(doneLate.id, w.at(35));
    await sql`update reminders set status = 'skipped' where id = ${skipped.id}`;
    // A completed task's reminder will be skipped, not sent: it is not on the agenda.
    const wontFire = await reminder(doneLate.id, w.at(36));

    const body = await agenda({ from, to: w.at(48) });
    expect(Object.keys(body).indexOf("overdue")).toBeLessThan(Object.keys(body).indexOf("days"));
    const overdueIds = body.overdue.map((e) => e.task.id);
    expect(overdueIds.slice(-2)).toEqual([older.id, overdue.id]);
    expect(overdueIds).not.toContain(doneLate.id);
    expect(body.overdue.at(-1)).toMatchObject({ kind: "task", at: overdue.due_time, task: overdue });

    const all = [due.id, cancelled.id, scheduled.id, delivered.id, failed.id, missed.id, skipped.id, wontFire.id];
    // Failed and missed reminders stay on the day they were due: they reached no one.
    expect(placement(body, all)).toEqual({ [w.at(24).slice(0, 10)]: [scheduled.id, due.id, failed.id, missed.id] });
    const entry = body.days.flatMap((d) => d.entries).find((e) => e.kind === "reminder" && e.reminder.id === missed.id);
    expect(entry).toMatchObject({ at: new Date(w.at(34)).toISOString(), reminder: { status: "missed" } });
    // `truncated` depends on every overdue task in the shared database, so only the last test pins it.
    expect(body).toMatchObject({ includes_reminders: true });
  });

  it("places a reminder being retried at its next attempt, when it will actually fire", async () => {
    const w = uniqueWindow(48);
    const t = await task(w.at(1));
    const retrying = await reminder(t.id, w.at(2));
    await sql`update reminders set attempts = 1, next_attempt_at = ${w.at(26)}::timestamptz where id = ${retrying.id}`;
    const body = await agenda({ from: w.at(0), to: w.at(48) });
    const entry = body.days
      .flatMap((d) => d.entries)
      .find((e) => e.kind === "reminder" && e.reminder.id === retrying.id);
    expect(entry).toMatchObject({ at: new Date(w.at(26)).toISOString(), reminder: { remind_at: retrying.remind_at } });
  });

  it("keeps the 50 most recently due overdue tasks and says it was cut short", async () => {
    const w = uniqueWindow(48);
    await sql`insert into tasks (title, due_time, reminder_anchor)
      select 'overdue ' || n, due, due
      from generate_series(1, 51) n, lateral (select ${w.at(0)}::timestamptz + make_interval(mins => n) as due) d`;
    const body = await agenda({ from: w.at(2), to: w.at(3) });
    expect(body.truncated).toBe(true);
    expect(body.overdue).toHaveLength(50);
    expect(body.overdue[0]!.task.title).toBe("overdue 2");
    expect(body.overdue.at(-1)!.task.title).toBe("overdue 51");
  });

  it("shows tasks but not reminders to a key that may read only tasks", async () => {
    const w = uniqueWindow(48);
    const t = await task(w.at(3));
    const r = await reminder(t.id, w.at(2));
    const reader = await createKey(["tasks:read"], "agenda tasks only");
    const body = await agenda({ from: w.at(0), to: w.at(24) }, reader.key);
    expect(body.includes_reminders).toBe(false);
    expect(placement(body, [t.id, r.id])).toEqual({ [w.at(3).slice(0, 10)]: [t.id] });
  });
});

describe("GET /agenda?assignee=", () => {
  it("keeps one person's tasks and their reminders, overdue ones included; none keeps the unassigned", async () => {
    const w = uniqueWindow(48);
    const person = (await call("POST", "/people", { name: "Agenda person" })).body;
    const other = (await call("POST", "/people", { name: "Agenda other" })).body;
    const [mine, theirs, nobodys, myOverdue] = [
      await task(w.at(30)),
      await task(w.at(31)),
      await task(w.at(32)),
      await task(w.at(20)),
    ];
    for (const [t, who] of [
      [mine, person.id],
      [theirs, other.id],
      [myOverdue, person.id],
    ] as const) {
      expect((await call("PATCH", `/tasks/${t.id}`, { assignee_id: who })).status).toBe(200);
    }
    const myPing = await reminder(mine.id, w.at(29));
    const theirPing = await reminder(theirs.id, w.at(29.5));
    const ids = [mine.id, theirs.id, nobodys.id, myPing.id, theirPing.id];
    const window = { from: w.at(24), to: w.at(48) };
    const day = w.at(29).slice(0, 10);

    const assigned = await agenda({ ...window, assignee: person.id });
    expect(placement(assigned, ids)).toEqual({ [day]: [myPing.id, mine.id] });
    expect(assigned.overdue.map((e) => e.task.id)).toContain(myOverdue.id);
    expect(assigned.overdue.every((e) => e.task.assignee_id === person.id)).toBe(true);
    expect(placement(await agenda({ ...window, assignee: "none" }), ids)).toEqual({ [day]: [nobodys.id] });
    expect(placement(await agenda(window), ids)).toEqual({
      [day]: [myPing.id, theirPing.id, mine.id, theirs.id, nobodys.id],
    });
    expectProblem(await call("GET", "/agenda?assignee=someone"), 422);
  });
});

describe("GET /agenda: invalid windows", () => {
  const invalid: [string, string, string][] = [
    ["an unknown zone", "tz=Mars/Olympus_Mons", "tz"],
    ["an abbreviation for a zone", "tz=EST", "tz"],
    ["an offset for a zone", "tz=%2B01:00", "tz"],
    ["a time without an offset", "from=2026-03-01T00:00:00", "from"],
    ["an end before the start", "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"],
    ["an empty window", "from=2026-03-02T00:00:00Z&to=2026-03-02T00:00:00Z", "to"],
    ["a window over 62 days", "from=2026-01-01T00:00:00Z&to=2026-03-04T00:00:01Z", "to"],
    ["an unknown parameter", "day=today", "day"],
  ];
  for (const [what, query, field] of invalid) {
    it(`refuses ${what} with 422 naming ${field}`, async () => {
      const problem = expectProblem(await call("GET", `/agenda?${query}`), 422);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }

  it("accepts exactly 62 days", async () => {
    expect((await call("GET", "/agenda?from=2026-01-01T00:00:00Z&to=2026-03-04T00:00:00Z")).status).toBe(200);
  });
});
