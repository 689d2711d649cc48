import { describe, expect, it } from "vitest";
import { call, database } from "../../test/helpers";
import { received, scan, scanConfig, script, seedReminders, seedTask, uniqueChatId } from "../../test/reminders";

const sql = database();

/** The scans here run on their own clock, at T0 or later. */
const T0 = new Date("2030-03-01T09:00:00Z");
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);
const minutesBefore = (minutes: number) => new Date(T0.getTime() - minutes * 60_000);

const rowOf = async (id: string) =>
  (await sql`select status, sent, attempts, last_error, delivery_state from reminders where id = ${id}`)[0]!;

describe("a late reminder", () => {
  it("says it is late, and for when it was set, in the task's zone (REMINDER_LATE_AFTER_S = 300)", async () => {
    const task = await seedTask(sql, { timezone: "Europe/Berlin" });
    const [late, chatLate] = [uniqueChatId(), uniqueChatId()];
    const onTime = uniqueChatId();
    await seedReminders(sql, task.id, "telegram", [late], minutesBefore(10));
    await seedReminders(sql, task.id, "telegram", [chatLate], minutesBefore(125));
    await seedReminders(sql, task.id, "telegram", [onTime], minutesBefore(4));

    expect((await scan({ taskIds: [task.id], clock: at(0) })).report.sent).toBe(3);
    const text = async (chat: string) => (await received("telegram", { to: chat }))[0]!.body.text as string;
    // 08:50 UTC is 09:50 in Berlin on 1 March.
    expect(await text(late)).toBe(
      `⏰ Reminder: ${task.title}\nLate by 10 min: it was set for 2030-03-01 09:50 Europe/Berlin`,
    );
    expect(await text(chatLate)).toContain("Late by 2 h 5 min: it was set for 2030-03-01 07:55 Europe/Berlin");
    expect(await text(onTime)).toBe(`⏰ Reminder: ${task.title}`);
  });
});

describe("the lateness of one firing", () => {
  it("is decided at its first attempt: a retry past REMINDER_LATE_AFTER_S sends the same text, the next occurrence decides afresh", async () => {
    const chat = uniqueChatId();
    const task = await call("POST", "/tasks", {
      title: `Daily check ${chat}`,
      due_time: T0.toISOString(),
      rrule: "FREQ=DAILY",
    });
    await call("POST", "/reminders", {
      task_id: task.body.id,
      offset_minutes: 0,
      channel: "telegram",
      recipient: chat,
    });
    await script("telegram", chat, [{ status: 500, body: { ok: false, error_code: 500, description: "Internal" } }]);
    const taskIds = [task.body.id];
    expect((await scan({ taskIds, clock: at(0) })).report.retrying).toBe(1);
    // The retry comes 400 s after the reminder's time: on time at its first attempt, it stays so.
    expect((await scan({ taskIds, clock: at(400) })).report.sent).toBe(1);
    const [first, retry] = (await received("telegram", { to: chat })).map((c) => c.body.text as string);
    expect(retry).toBe(first);
    expect(first).not.toContain("Late");

    expect((await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" })).status).toBe(200);
    expect((await scan({ taskIds, clock: at(86_400 + 600) })).report.sent).toBe(1);
    const next = (await received("telegram", { to: chat }))[2]!.body.text;
    expect(next).toContain("Late by 10 min: it was set for 2030-03-02 09:00 UTC");
  });

  it("is decided at the first attempt that reaches a provider, not at a look that found the channel unconfigured", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    await seedReminders(sql, task.id, "telegram", [chat], T0);
    const unconfigured = scanConfig({ TELEGRAM_BOT_TOKEN: "" });
    expect((await scan({ taskIds: [task.id], clock: at(0), config: unconfigured })).report.waiting).toBe(1);
    expect((await scan({ taskIds: [task.id], clock: at(600) })).report.sent).toBe(1);
    expect((await received("telegram", { to: chat }))[0]!.body.text).toContain("Late by 10 min");
  });
});

describe("a missed reminder", () => {
  it("is not sent when the scan reaches it more than REMINDER_MISSED_AFTER_S (6 h) late: missed, with a notice", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], minutesBefore(7 * 60));

    const { report, notices, txids } = await scan({ taskIds: [task.id], clock: at(0) });
    expect(report).toMatchObject({ claimed: 0, missed: 1, sent: 0 });
    expect(await received("telegram", { to: chat })).toHaveLength(0);
    const row = await rowOf(reminder!.id);
    expect(row).toMatchObject({ status: "missed", sent: false, attempts: 0, delivery_state: null });
    expect(row.last_error).toMatch(/^missed: .*6 h.*REMINDER_MISSED_AFTER_S/);
    expect(notices).toEqual([
      {
        type: "reminder.missed",
        reminder: expect.objectContaining({ id: reminder!.id, status: "missed", last_error: row.last_error }),
        task: expect.objectContaining({ id: task.id }),
      },
    ]);
    const [change] =
      await sql`select op, data, txid::text from changes where entity_id = ${reminder!.id} order by seq desc limit 1`;
    expect(change).toMatchObject({ op: "updated", data: { status: "missed" } });
    expect(txids).toEqual([change!.txid]);
    // Settled: no later scan takes it.
    expect((await scan({ taskIds: [task.id], clock: at(60) })).report).toMatchObject({ claimed: 0, missed: 0 });
  });

  it("takes over a reminder whose retries carried it past the window, keeping the last error", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("telegram", chat, [{ status: 500, body: { ok: false, error_code: 500, description: "Internal" } }]);
    expect((await scan({ taskIds: [task.id], clock: at(0) })).report.retrying).toBe(1);
    // Say the next attempt comes after a long outage.
    expect((await scan({ taskIds: [task.id], clock: at(6 * 3600 + 1) })).report.missed).toBe(1);
    const row = await rowOf(reminder!.id);
    expect(row).toMatchObject({ status: "missed", attempts: 1 });
    expect(row.last_error).toMatch(/\(last error: HTTP 500: Internal\)$/);
    expect(await received("telegram", { to: chat })).toHaveLength(1);
  });

  it("with REMINDER_MISSED_AFTER_S=0 is sent however late, saying so", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], minutesBefore(3 * 24 * 60));
    const config = scanConfig({ REMINDER_MISSED_AFTER_S: "0" });
    expect((await scan({ taskIds: [task.id], clock: at(0), config })).report.sent).toBe(1);
    expect((await received("telegram", { to: chat }))[0]!.body.text).toContain("Late by 3 d: it was set for");
    expect((await rowOf(reminder!.id)).status).toBe("sent");
  });
});
