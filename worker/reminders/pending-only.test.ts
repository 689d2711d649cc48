import { describe, expect, it } from "vitest";
import { call, database } from "../../test/helpers";
import { received, scan, scanConfig, seedReminders, seedTask, uniqueChatId, uniquePhone } from "../../test/reminders";
import { createChannels } from "./channels";

const sql = database();

/** The scans here run on their own clock: reminders are due at T0. */
const T0 = new Date("2030-03-01T09:00:00Z");
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);

const rows = (taskId: string) =>
  sql`select id, status, sent, attempts, last_error, delivery_state, version from reminders
      where task_id = ${taskId} order by created_at, id`;
const opsOf = (id: string) => sql`select op, data from changes where entity_id = ${id} order by seq`;

/** A task due 30 minutes after T0 with a Telegram reminder at T0 and a WhatsApp one 30 minutes before its due. */
async function taskWithReminders() {
  const task = await seedTask(sql, { due_time: new Date(T0.getTime() + 30 * 60_000) });
  const chat = uniqueChatId();
  const phone = uniquePhone();
  const [absolute] = await seedReminders(sql, task.id, "telegram", [chat], T0);
  const relative = await call("POST", "/reminders", {
    task_id: task.id,
    offset_minutes: -30,
    channel: "whatsapp",
    recipient: phone,
  });
  expect(relative.body.remind_at).toBe(T0.toISOString());
  return { task, chat, phone, ids: [absolute!.id, relative.body.id as string] };
}

describe("only a pending task's reminders are delivered", () => {
  for (const status of ["completed", "cancelled"] as const) {
    it(`skips the due reminders of a ${status} task with the reason, and re-arms them when it is reopened`, async () => {
      const { task, chat, phone, ids } = await taskWithReminders();
      expect((await call("PATCH", `/tasks/${task.id}`, { status })).status).toBe(200);

      const { report, txids } = await scan({ taskIds: [task.id], clock: at(5) });
      expect(report).toMatchObject({ claimed: 0, skipped: 2, sent: 0 });
      expect(await received("telegram", { to: chat })).toHaveLength(0);
      expect(await received("whatsapp", { to: phone.slice(1) })).toHaveLength(0);
      for (const row of await rows(task.id)) {
        expect(row).toMatchObject({ status: "skipped", sent: false, attempts: 0, last_error: `task ${status}` });
      }
      // In the change log, committed by the claim itself (which the scan reports for publishing).
      const skipped = (await opsOf(ids[0]!)).at(-1)!;
      expect(skipped).toMatchObject({ op: "updated", data: { status: "skipped", last_error: `task ${status}` } });
      expect(txids).toHaveLength(1);
      // Skipped is settled: later scans leave it alone.
      expect((await scan({ taskIds: [task.id], clock: at(600) })).report).toMatchObject({ claimed: 0, skipped: 0 });

      const reopened = await call("PATCH", `/tasks/${task.id}`, { status: "pending" });
      expect(reopened.status).toBe(200);
      for (const row of await rows(task.id)) {
        expect(row).toMatchObject({ status: "scheduled", attempts: 0, last_error: null });
      }
      expect((await opsOf(ids[1]!)).at(-1)).toMatchObject({ op: "updated", data: { status: "scheduled" } });
      expect((await scan({ taskIds: [task.id], clock: at(60) })).report).toMatchObject({ claimed: 2, sent: 2 });
      expect(await received("telegram", { to: chat })).toHaveLength(1);
      expect(await received("whatsapp", { to: phone.slice(1) })).toHaveLength(1);
    });
  }

  it("completing, then cancelling: still no provider call, and the reason follows the task", async () => {
    const { task, chat, phone } = await taskWithReminders();
    await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
    await call("PATCH", `/tasks/${task.id}`, { status: "cancelled" });
    expect((await scan({ taskIds: [task.id], clock: at(5) })).report.skipped).toBe(2);
    expect(await received("telegram", { to: chat })).toHaveLength(0);
    expect(await received("whatsapp", { to: phone.slice(1) })).toHaveLength(0);
    expect((await rows(task.id)).map((r) => r.last_error)).toEqual(["task cancelled", "task cancelled"]);
  });

  it("re-arms only skipped reminders on reopening: a sent one stays sent", async () => {
    const task = await seedTask(sql);
    const [sent] = await seedReminders(sql, task.id, "telegram", [uniqueChatId()], T0);
    expect((await scan({ taskIds: [task.id], clock: at(1) })).report.sent).toBe(1);
    await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
    await call("PATCH", `/tasks/${task.id}`, { status: "pending" });
    expect((await rows(task.id))[0]).toMatchObject({ id: sent!.id, status: "sent", delivery_state: "delivered" });
  });
});

describe("a completion racing the scan (interleaved transactions)", () => {
  it("a completion still uncommitted when the scan runs does not hold it up: the reminder goes out before it commits", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    const config = scanConfig();
    const channels = createChannels(config);
    const telegram = channels.telegram;
    let answered!: () => void;
    const providerAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    channels.telegram = {
      deliver: (r, signal) => telegram.deliver(r, signal).finally(answered),
    };

    let scanning!: ReturnType<typeof scan>;
    const callsBeforeCommit = await sql.begin(async (tx) => {
      // The completion takes the task's row lock and stays uncommitted while the scan claims,
      // looks again and calls the provider.
      await tx`update tasks set status = 'completed', version = version + 1 where id = ${task.id}`;
      scanning = scan({ taskIds: [task.id], clock: at(1), config, channels });
      await providerAnswered;
      return (await received("telegram", { to: chat })).length;
    });
    // The message went out before the completion committed, and the record says it was sent.
    expect(callsBeforeCommit).toBe(1);
    expect((await scanning).report).toMatchObject({ sent: 1, skipped: 0 });
    expect((await rows(task.id))[0]).toMatchObject({ id: reminder!.id, status: "sent" });
    const [state] = await sql`select status from tasks where id = ${task.id}`;
    expect(state!.status).toBe("completed");
  });

  it("a completion that commits after the claim but before the provider call stops it: skipped, no call", async () => {
    // Two reminders in one claim, delivered one at a time: delivering the first completes the
    // second one's task (committed), so that completion falls between the claim and the second call.
    const first = await seedTask(sql);
    const second = await seedTask(sql);
    const [chatA, chatB] = [uniqueChatId(), uniqueChatId()];
    await seedReminders(sql, first.id, "telegram", [chatA], new Date(T0.getTime() - 1000));
    const [late] = await seedReminders(sql, second.id, "telegram", [chatB], T0);
    const config = scanConfig({ SCAN_CONCURRENCY: "1" });
    const channels = createChannels(config);
    const telegram = channels.telegram;
    let completedBetween = false;
    channels.telegram = {
      async deliver(reminder, signal) {
        if (reminder.task_id === first.id) {
          const [leased] = await sql`select lease_token from reminders where id = ${late!.id}`;
          expect(leased!.lease_token).not.toBeNull(); // the second is claimed by now
          expect((await call("PATCH", `/tasks/${second.id}`, { status: "completed" })).status).toBe(200);
          completedBetween = true;
        }
        return telegram.deliver(reminder, signal);
      },
    };

    const { report } = await scan({ taskIds: [first.id, second.id], clock: at(1), config, channels });
    expect(completedBetween).toBe(true);
    expect(report).toMatchObject({ claimed: 2, sent: 1, skipped: 1 });
    expect(await received("telegram", { to: chatA })).toHaveLength(1);
    expect(await received("telegram", { to: chatB })).toHaveLength(0);
    expect((await rows(second.id))[0]).toMatchObject({ status: "skipped", last_error: "task completed", attempts: 0 });
  });
});
