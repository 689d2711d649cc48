import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { database } from "../../test/helpers";
import { openRoomSocket } from "../../test/realtime/helpers";
import { received, seedReminders, seedTask, uniqueChatId, uniquePhone } from "../../test/reminders";
import worker from "../index";

const sql = database();

/**
 * The handler delivers what was due at the cron's scheduled time. A minute on 2 January 1970 that no
 * other test uses keeps this run to this test's reminders: every other test's are due later. Such
 * reminders are decades late by the real clock, so the delivering run turns the missed window off
 * (REMINDER_MISSED_AFTER_S=0), and the missed one leaves it on.
 */
const scheduledTime = Date.UTC(1970, 0, 2) + Math.floor(Math.random() * 1440) * 60_000;

describe("the scheduled handler", () => {
  it("delivers the reminders due at its scheduled time, in waitUntil, and leaves later ones", async () => {
    const task = await seedTask(sql, { due_time: new Date(scheduledTime + 3_600_000) });
    const chat = uniqueChatId();
    const phone = uniquePhone();
    const [tg] = await seedReminders(sql, task.id, "telegram", [chat], new Date(scheduledTime - 30_000));
    const [wa] = await seedReminders(sql, task.id, "whatsapp", [phone], new Date(scheduledTime));
    const [later] = await seedReminders(sql, task.id, "telegram", [uniqueChatId()], new Date(scheduledTime + 1));

    const ctx = createExecutionContext();
    const catchUp = { ...env, REMINDER_MISSED_AFTER_S: "0" };
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), catchUp, ctx);
    await waitOnExecutionContext(ctx);

    expect(await received("telegram", { to: chat })).toHaveLength(1);
    expect(await received("whatsapp", { to: phone.slice(1) })).toHaveLength(1);
    const rows = await sql`select id, status, sent, attempts from reminders where task_id = ${task.id}`;
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[tg!.id]).toMatchObject({ status: "sent", sent: true, attempts: 1 });
    expect(byId[wa!.id]).toMatchObject({ status: "sent", sent: true, attempts: 1 });
    expect(byId[later!.id]).toMatchObject({ status: "scheduled", sent: false, attempts: 0 });
  });

  it("marks a reminder missed past REMINDER_MISSED_AFTER_S, sends nothing, and the room gets the notice", async () => {
    const socket = await openRoomSocket();
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const missedAt = Date.UTC(1970, 0, 3) + Math.floor(Math.random() * 1440) * 60_000;
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], new Date(missedAt));

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: missedAt, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await received("telegram", { to: chat })).toHaveLength(0);
    const [row] = await sql`select status, sent from reminders where id = ${reminder!.id}`;
    expect(row).toEqual({ status: "missed", sent: false });
    const notice = await socket.next((m) => m.type === "reminder.missed" && m.reminder.id === reminder!.id);
    expect(notice.data).toMatchObject({ reminder: { status: "missed" }, task: { id: task.id, title: task.title } });
    // The change itself reaches the room too, as every committed change does.
    await socket.next((m) => m.type === "reminder.updated" && m.id === reminder!.id && m.data.status === "missed");
    socket.close();
  });

  it("with a bad scan setting, skips the scan naming the variable, and still prunes", async () => {
    const task = await seedTask(sql, { due_time: new Date(scheduledTime + 3_600_000) });
    const chat = uniqueChatId();
    await seedReminders(sql, task.id, "telegram", [chat], new Date(scheduledTime - 1000));
    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const spyLog = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const ctx = createExecutionContext();
      worker.scheduled(createScheduledController({ scheduledTime }), { ...env, SCAN_MAX_ATTEMPTS: "many" }, ctx);
      await waitOnExecutionContext(ctx);
    } finally {
      spy.mockRestore();
      spyLog.mockRestore();
    }
    const events = lines.map((line) => JSON.parse(line) as { msg: string; error?: string });
    expect(events.find((e) => e.msg === "reminder scan not run")?.error).toContain(
      "SCAN_MAX_ATTEMPTS: must be a whole number from 1 to 100 (got 'many')",
    );
    expect(events.some((e) => e.msg === "pruned")).toBe(true);
    expect(await received("telegram", { to: chat })).toHaveLength(0);
  });
});
