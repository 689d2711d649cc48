import { describe, expect, it } from "vitest";
import { call, createKey, database, expectProblem } from "../../../test/helpers";

const sql = database();

/** A word no date parser reads (no vowels, no digits), so each test finds its own rows by title. */
const tag = () => Array.from({ length: 10 }, () => "bcdfghklpqvxz"[Math.floor(Math.random() * 13)]).join("");

const tasksTitled = (word: string) => sql`select id from tasks where title like ${`%${word}%`}`;

describe("POST /tasks/quick", () => {
  it("creates the task and its reminder in one transaction, and says what it understood", async () => {
    const word = tag();
    const res = await call("POST", "/tasks/quick", {
      text: `call ${word} on March 20 2030 at 9:30, remind me 1 hour before`,
      timezone: "America/New_York",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/tasks/${res.body.task.id}`);
    // New York is on EDT (UTC-4) from 10 March 2030.
    expect(res.body.task).toMatchObject({
      title: `call ${word}`,
      due_time: "2030-03-20T13:30:00.000Z",
      due_date: null,
      all_day: false,
      timezone: "America/New_York",
      status: "pending",
      version: 1,
    });
    expect(res.body.reminder).toMatchObject({
      task_id: res.body.task.id,
      offset_minutes: -60,
      remind_at: "2030-03-20T12:30:00.000Z",
      channel: "ui",
      recipient: null,
      status: "scheduled",
      timezone: "America/New_York",
    });
    expect(res.body.understood).toEqual({
      due_text: "March 20 2030 at 9:30",
      due_local: "2030-03-20T09:30:00",
      timezone: "America/New_York",
      reminder_text: "remind me 1 hour before",
      all_day: false,
    });
    const [reminder] = await sql`select remind_at, offset_minutes from reminders where task_id = ${res.body.task.id}`;
    expect(reminder!.remind_at.toISOString()).toBe("2030-03-20T12:30:00.000Z");
    // One transaction: both changes carry the same transaction id.
    const logged =
      await sql`select entity, op, txid::text from changes where entity_id in (${res.body.task.id}, ${res.body.reminder.id}) order by seq`;
    expect(logged.map((c) => `${c.entity} ${c.op}`)).toEqual(["task created", "reminder created"]);
    expect(new Set(logged.map((c) => c.txid)).size).toBe(1);
  });

  it("makes a date without a time an all-day task in the zone, its reminder at the all-day hour", async () => {
    const word = tag();
    const res = await call("POST", "/tasks/quick", {
      text: `renew ${word} on May 6 2031, remind me`,
      timezone: "Europe/Berlin",
    });
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ title: `renew ${word}`, due_date: "2031-05-06", all_day: true });
    // Local midnight in Berlin (CEST, UTC+2).
    expect(res.body.task.due_time).toBe("2031-05-05T22:00:00.000Z");
    expect(res.body.reminder).toMatchObject({ offset_minutes: 0 });
    expect(Date.parse(res.body.reminder.remind_at)).toBeGreaterThan(Date.parse(res.body.task.due_time));
    expect(res.body.understood).toMatchObject({ due_local: "2031-05-06", all_day: true, reminder_text: "remind me" });
  });

  it("reads 'remind me to … in 20 minutes' from the real now, in Tokyo", async () => {
    const word = tag();
    const before = Date.now();
    const res = await call("POST", "/tasks/quick", {
      text: `remind me to ${word} in 20 minutes`,
      timezone: "Asia/Tokyo",
    });
    expect(res.status).toBe(201);
    expect(res.body.task.title).toBe(word);
    const due = Date.parse(res.body.task.due_time);
    expect(due).toBeGreaterThanOrEqual(before + 20 * 60_000 - 1000);
    expect(due).toBeLessThanOrEqual(Date.now() + 20 * 60_000 + 1000);
    expect(res.body.reminder).toMatchObject({ offset_minutes: 0, remind_at: res.body.task.due_time });
  });

  it("creates an undated task, without a reminder, from text without a date (UTC by default)", async () => {
    const word = tag();
    const res = await call("POST", "/tasks/quick", { text: `buy ${word}` });
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ title: `buy ${word}`, due_time: null, due_date: null, timezone: "UTC" });
    expect(res.body.reminder).toBeNull();
    expect(res.body.understood).toEqual({ due_text: null, due_local: null, timezone: "UTC", all_day: false });
  });

  it("sends the reminder where the body says", async () => {
    const res = await call("POST", "/tasks/quick", {
      text: `pay ${tag()} on Jan 2 2031 at 8am, remind me 30 minutes before`,
      channel: "telegram",
      recipient: "123456",
    });
    expect(res.status).toBe(201);
    expect(res.body.reminder).toMatchObject({ channel: "telegram", recipient: "123456", offset_minutes: -30 });
    expect(res.body.reminder.remind_at).toBe("2031-01-02T07:30:00.000Z");
  });

  it("answers 422 naming text when a reminder is asked for without a date or time, and creates nothing", async () => {
    const word = tag();
    const problem = expectProblem(
      await call("POST", "/tasks/quick", { text: `remind me sometime about ${word}` }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["text"]);
    expect(problem.detail).toMatch(/no date or time/);
    expect(await tasksTitled(word)).toHaveLength(0);
  });

  it("answers 422 naming text when 'before' says no duration", async () => {
    const problem = expectProblem(
      await call("POST", "/tasks/quick", { text: `pay ${tag()} tomorrow, remind me a bit before` }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["text"]);
  });

  for (const text of ["renew it in 10000 years", "renew it on 0000-01-01", "renew it on Jan 1 1969 at 9"]) {
    it(`answers 422 naming text for a due outside the instant range: "${text}"`, async () => {
      const problem = expectProblem(await call("POST", "/tasks/quick", { text }), 422);
      expect(problem.errors?.map((e) => e.path)).toEqual(["text"]);
    });
  }

  const invalid: [string, unknown, string][] = [
    ["no text", {}, "text"],
    ["a blank text", { text: "  " }, "text"],
    ["an over-long text", { text: "x".repeat(501) }, "text"],
    ["a zone that is not IANA", { text: "x tomorrow", timezone: "EST" }, "timezone"],
    ["a recipient that does not suit the channel", { text: "x", channel: "whatsapp", recipient: "bob" }, "recipient"],
    ["an unknown field", { text: "x", due_time: "2030-01-01T00:00:00Z" }, "due_time"],
  ];
  for (const [what, body, field] of invalid) {
    it(`rejects ${what} with 422 naming ${field}`, async () => {
      const problem = expectProblem(await call("POST", "/tasks/quick", body), 422);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }

  it("needs reminders:write too when the text asks for a reminder: 403, and nothing is created", async () => {
    const { bearer } = await createKey(["tasks:write"], "quick add without reminders");
    const word = tag();
    const refused = await call(
      "POST",
      "/tasks/quick",
      { text: `call ${word} tomorrow at 9, remind me 1 hour before` },
      { authorization: bearer },
    );
    expect(expectProblem(refused, 403).detail).toContain("'reminders:write'");
    expect(await tasksTitled(word)).toHaveLength(0);

    const plain = await call("POST", "/tasks/quick", { text: `call ${word} tomorrow at 9` }, { authorization: bearer });
    expect(plain.status).toBe(201);
    expect(plain.body.reminder).toBeNull();

    const both = await createKey(["tasks:write", "reminders:write"], "quick add with reminders");
    const allowed = await call(
      "POST",
      "/tasks/quick",
      { text: `call ${word} tomorrow at 9, remind me` },
      { authorization: both.bearer },
    );
    expect(allowed.status).toBe(201);
    expect(allowed.body.reminder).not.toBeNull();
  });

  it("refuses a key with reminders:write but not tasks:write", async () => {
    const { bearer } = await createKey(["reminders:write"], "quick add reminders only");
    expectProblem(await call("POST", "/tasks/quick", { text: "x tomorrow" }, { authorization: bearer }), 403);
  });
});
