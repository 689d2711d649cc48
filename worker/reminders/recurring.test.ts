import { describe, expect, it } from "vitest";
import { call, database } from "../../test/helpers";
import { received, scan, scanConfig, uniqueChatId } from "../../test/reminders";

const sql = database();
const DAY = 86_400_000;

/** 08:00 UTC, `daysAgo` days before today, so every occurrence so far is past. */
function eightUtc(daysAgo: number) {
  const day = new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
  return new Date(`${day}T08:00:00Z`);
}

/** "2026-11-23 09:00": Swedish formatting happens to be ISO-like. */
const inBerlin = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Berlin",
  dateStyle: "short",
  timeStyle: "short",
});

describe("a recurring task's relative reminder", () => {
  it("is delivered once per occurrence, late (saying so) but never skipped and never twice", async () => {
    // Days late: with the missed window off (REMINDER_MISSED_AFTER_S=0), every occurrence is caught up.
    const config = scanConfig({ REMINDER_MISSED_AFTER_S: "0" });
    const chat = uniqueChatId();
    const first = eightUtc(3);
    const task = await call("POST", "/tasks", {
      title: `Water the plants ${chat}`,
      due_time: first.toISOString(),
      timezone: "Europe/Berlin",
      rrule: "FREQ=DAILY",
    });
    expect(task.status).toBe(201);
    const reminder = await call("POST", "/reminders", {
      task_id: task.body.id,
      offset_minutes: -30,
      channel: "telegram",
      recipient: chat,
    });
    expect(reminder.status).toBe(201);

    const dues: string[] = [];
    const clock = inBerlin.format(first).slice(11);
    let due = first;
    for (let occurrence = 0; occurrence < 3; occurrence++) {
      dues.push(due.toISOString());
      // Several scans, all minutes or days late, two of them at the same moment: one message.
      await scan({ taskIds: [task.body.id], config });
      await Promise.all([scan({ taskIds: [task.body.id], config }), scan({ taskIds: [task.body.id], config })]);
      const messages = await received("telegram", { to: chat });
      expect(messages, `occurrence ${occurrence + 1}`).toHaveLength(occurrence + 1);
      expect(messages.at(-1)!.body.text).toContain(`Due ${inBerlin.format(due)} Europe/Berlin`);
      const remindAt = new Date(due.getTime() - 30 * 60_000);
      expect(messages.at(-1)!.body.text).toContain(`: it was set for ${inBerlin.format(remindAt)} Europe/Berlin`);

      const done = await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" });
      expect(done.body.status).toBe("pending");
      // The next occurrence: the next local day, same wall-clock time (even across a DST change).
      const next = new Date(done.body.due_time);
      expect(inBerlin.format(next).slice(11)).toBe(clock);
      expect(next.getTime() - due.getTime()).toBeGreaterThanOrEqual(DAY - 3_600_000);
      expect(next.getTime() - due.getTime()).toBeLessThanOrEqual(DAY + 3_600_000);
      due = next;
    }

    const delivered = await sql<{ remind_at: string }[]>`
      select data ->> 'remind_at' as remind_at from changes
      where entity = 'reminder' and entity_id = ${reminder.body.id} and op = 'delivered' order by seq`;
    expect(delivered.map((d) => new Date(d.remind_at).toISOString())).toEqual(
      dues.map((due) => new Date(Date.parse(due) - 30 * 60_000).toISOString()),
    );
    const completions = await call("GET", `/tasks/${task.body.id}/completions`);
    expect(completions.body.items).toHaveLength(3);
  });
});
