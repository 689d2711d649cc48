import {
  createExecutionContext,
  createScheduledController,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, call, database } from "../../test/helpers";
import { received, seedReminders, seedTask, uniqueChatId } from "../../test/reminders";
import worker from "../index";
import { CLOCK_NAME } from "../work/clock-nudge";

/**
 * The clock's own project and database (vitest.config.ts): its alarms deliver whatever is due there,
 * so every reminder here is this file's, and the tests run one after another.
 */
const sql = database();
const ADMIN = (env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;
const clock = () => env.CLOCK.get(env.CLOCK.idFromName(CLOCK_NAME));
const alarmOf = () => runInDurableObject(clock(), (_, state) => state.storage.getAlarm());

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function taskWithReminder(remindAt: Date, chat = uniqueChatId()) {
  const task = await call("POST", "/tasks", { title: `clock ${crypto.randomUUID()}` });
  const reminder = await call("POST", "/reminders", {
    task_id: task.body.id,
    remind_at: remindAt.toISOString(),
    channel: "telegram",
    recipient: chat,
  });
  expect(reminder.status).toBe(201);
  return { task: task.body, reminder: reminder.body, chat };
}

beforeEach(async () => {
  await sql`delete from tasks`;
  await runInDurableObject(clock(), (_, state) => state.storage.deleteAlarm());
});

describe("the reminder clock", () => {
  it("sets its alarm at a new reminder's time, delivers it when the alarm runs, and re-arms for the next", async () => {
    const soon = new Date(Date.now() + 3000);
    const later = new Date(Date.now() + 3_600_000);
    const first = await taskWithReminder(soon);
    expect(await eventually(alarmOf, (at) => at === soon.getTime())).toBe(soon.getTime());
    await taskWithReminder(later);

    // Nothing triggers it: the platform runs the alarm at its time (runDurableObjectAlarm would run
    // whatever alarm is set, the re-armed one included, so it is not used here).
    const calls = await eventually(
      () => received("telegram", { to: first.chat }),
      (r) => r.length > 0,
      6000,
    );
    expect(calls).toHaveLength(1);
    // The fake hears of it before the scan records the outcome.
    const status = async () => (await sql`select status from reminders where id = ${first.reminder.id}`)[0]?.status;
    expect(await eventually(status, (s) => s === "sent")).toBe("sent");
    expect(await eventually(alarmOf, (at) => at === later.getTime())).toBe(later.getTime());
  });

  it("moves its alarm for an earlier reminder, never for a later one", async () => {
    const inAnHour = new Date(Date.now() + 3_600_000);
    await taskWithReminder(inAnHour);
    expect(await eventually(alarmOf, (at) => at === inAnHour.getTime())).toBe(inAnHour.getTime());

    await taskWithReminder(new Date(Date.now() + 7_200_000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await alarmOf()).toBe(inAnHour.getTime());

    const inAMinute = new Date(Date.now() + 60_000);
    await taskWithReminder(inAMinute);
    expect(await eventually(alarmOf, (at) => at === inAMinute.getTime())).toBe(inAMinute.getTime());
  });

  it("never delivers a reminder that was moved, deleted or whose task was completed after it armed the alarm", async () => {
    const soon = new Date(Date.now() + 1000);
    const moved = await taskWithReminder(soon);
    const deleted = await taskWithReminder(soon);
    const completed = await taskWithReminder(soon);
    expect(await eventually(alarmOf, (at) => at === soon.getTime())).toBe(soon.getTime());
    const patch = await call("PATCH", `/reminders/${moved.reminder.id}`, {
      remind_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(patch.status).toBe(200);
    expect((await call("DELETE", `/reminders/${deleted.reminder.id}`)).status).toBe(204);
    expect((await call("PATCH", `/tasks/${completed.task.id}`, { status: "completed" })).status).toBe(200);

    // The alarm still fires at the old time (nudges only move it earlier); its scan finds nothing due.
    await new Promise((resolve) => setTimeout(resolve, soon.getTime() - Date.now() + 1000));
    expect(await alarmOf()).not.toBe(soon.getTime());
    expect(await received("telegram", { to: moved.chat })).toHaveLength(0);
    expect(await received("telegram", { to: deleted.chat })).toHaveLength(0);
    expect(await received("telegram", { to: completed.chat })).toHaveLength(0);
    const [skipped] = await sql`select status from reminders where id = ${completed.reminder.id}`;
    expect(skipped?.status).toBe("skipped");
  });

  it("a snoozed reminder moves the alarm to its new time and is delivered once more then", async () => {
    const first = await taskWithReminder(new Date(Date.now() + 1000));
    const later = new Date(Date.now() + 3_600_000);
    await taskWithReminder(later);
    const status = async () => (await sql`select status from reminders where id = ${first.reminder.id}`)[0]?.status;
    expect(await eventually(status, (s) => s === "sent", 6000)).toBe("sent");
    expect(await eventually(alarmOf, (at) => at === later.getTime())).toBe(later.getTime());

    // Snooze is the chat's "10 min" button and the REST call alike; two seconds keeps the test short.
    const until = new Date(Date.now() + 2000);
    const snoozed = await call("POST", `/reminders/${first.reminder.id}/snooze`, { until: until.toISOString() });
    expect(snoozed.status).toBe(200);
    expect(await eventually(alarmOf, (at) => at === until.getTime())).toBe(until.getTime());
    const calls = await eventually(
      () => received("telegram", { to: first.chat }),
      (r) => r.length === 2,
      6000,
    );
    expect(calls).toHaveLength(2);
    expect(await eventually(status, (s) => s === "sent")).toBe("sent");
    expect(await eventually(alarmOf, (at) => at === later.getTime())).toBe(later.getTime());
  });

  it("delivers each of 500 reminders exactly once when an alarm and a cron run scan at the same moment", async () => {
    const prefix = `-100777${Math.floor(Math.random() * 1e5)}`;
    const chats = Array.from({ length: 500 }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
    const task = await seedTask(sql, { due_time: new Date(Date.now() + 3_600_000) });
    await seedReminders(sql, task.id, "telegram", chats, new Date(Date.now() - 1000));
    await clock().sync();

    const ctx = createExecutionContext();
    // The platform may start the alarm itself the moment sync sets it; either way both scans race.
    await Promise.all([
      runDurableObjectAlarm(clock()),
      (async () => {
        worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
        await waitOnExecutionContext(ctx);
      })(),
    ]);
    // Whatever either left the next alarms take; drain it. On a loaded machine that is a run stopped
    // by its budget, a claim still leased by the platform's own alarm run, or a provider call that
    // timed out and waits for its retry (brought forward here: the question is duplicates, not backoff).
    const left = () =>
      sql<
        { last_error: string | null }[]
      >`select last_error from reminders where task_id = ${task.id} and status = 'scheduled'`;
    for (let i = 0; i < 40 && (await left()).length > 0; i++) {
      await sql`update reminders set next_attempt_at = now()
        where task_id = ${task.id} and status = 'scheduled' and (lease_until is null or lease_until < now())`;
      await runDurableObjectAlarm(clock());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await left(), "reminders never delivered, with their last errors").toEqual([]);
    const calls = await received("telegram", { prefix });
    const perChat = new Map<string, number>();
    for (const c of calls) perChat.set(c.to, (perChat.get(c.to) ?? 0) + 1);
    expect(perChat.size).toBe(500);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
  });

  it("still delivers from the cron when the nudge was lost", async () => {
    const chat = uniqueChatId();
    const failingClock = {
      idFromName: () => {
        throw new Error("clock unavailable");
      },
    } as unknown as typeof env.CLOCK;
    const ctx = createExecutionContext();
    const task = await worker.fetch(
      new Request(`${BASE}/tasks`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "lost nudge" }),
      }),
      { ...env, CLOCK: failingClock },
      ctx,
    );
    const { id } = (await task.json()) as { id: string };
    const reminder = await worker.fetch(
      new Request(`${BASE}/reminders`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({
          task_id: id,
          remind_at: new Date(Date.now() - 1000).toISOString(),
          channel: "telegram",
          recipient: chat,
        }),
      }),
      { ...env, CLOCK: failingClock },
      ctx,
    );
    expect(reminder.status).toBe(201);
    await waitOnExecutionContext(ctx);
    expect(await alarmOf()).toBeNull();

    const cron = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, cron);
    await waitOnExecutionContext(cron);
    expect(await received("telegram", { to: chat })).toHaveLength(1);
  });
});
