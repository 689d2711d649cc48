import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { publishChanges } from "../../worker/realtime/publish";
import { call, database, testStore } from "../helpers";
import { eventually, openRoomSocket, startClient } from "./helpers";

const sql = database();

/** Makes a REST call and measures from the moment it returns until the room delivers the change. */
async function expectLive(
  socket: Awaited<ReturnType<typeof openRoomSocket>>,
  type: string,
  id: () => string,
  request: () => Promise<{ status: number; body: any }>,
) {
  const from = socket.messages.length;
  const res = await request();
  expect(res.status).toBeLessThan(300);
  const returned = performance.now();
  const message = await socket.next((m) => m.type === type && m.id === id(), 1000, from);
  expect(message.at - returned).toBeLessThan(1000);
  return { res, change: message.data };
}

describe("live changes over the room", () => {
  it("delivers task and reminder changes within a second of the REST call returning", async () => {
    const socket = await openRoomSocket();
    let taskId = "";
    let reminderId = "";

    const created = await expectLive(
      socket,
      "task.created",
      () => taskId,
      async () => {
        const res = await call("POST", "/tasks", { title: "live task", source: "ui" });
        taskId = res.body.id;
        return res;
      },
    );
    expect(created.change).toMatchObject({ entity: "task", op: "created", id: taskId });
    expect(created.change.data).toEqual(created.res.body);

    const updated = await expectLive(
      socket,
      "task.updated",
      () => taskId,
      () => call("PATCH", `/tasks/${taskId}`, { status: "completed" }),
    );
    expect(updated.change.data).toEqual(updated.res.body);

    const reminder = await expectLive(
      socket,
      "reminder.created",
      () => reminderId,
      async () => {
        const res = await call("POST", "/reminders", {
          task_id: taskId,
          remind_at: "2026-03-01T09:30:00Z",
          channel: "ui",
        });
        reminderId = res.body.id;
        return res;
      },
    );
    expect(reminder.change.data).toEqual(reminder.res.body);
    expect(reminder.change.data).not.toHaveProperty("lease_token");
    expect(reminder.change.data).not.toHaveProperty("lease_until");

    await expectLive(
      socket,
      "reminder.updated",
      () => reminderId,
      () => call("PATCH", `/reminders/${reminderId}`, { remind_at: "2026-03-01T09:40:00Z" }),
    );
    const deletedTask = await expectLive(
      socket,
      "task.deleted",
      () => taskId,
      () => call("DELETE", `/tasks/${taskId}`),
    );
    // The cascade is recorded and published too, in the same transaction as the task's deletion.
    const cascaded = await socket.next((m) => m.type === "reminder.deleted" && m.id === reminderId, 1000);
    expect(Math.abs(cascaded.data.seq - deletedTask.change.seq)).toBe(1);

    const seqs = socket.messages.map((m) => m.data.seq).filter((seq) => seq !== undefined);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    socket.close();
  });

  it("publishes from outside a request too (the cron's path): a delivered reminder reaches the room", async () => {
    const socket = await openRoomSocket();
    const task = await call("POST", "/tasks", { title: "delivered elsewhere" });
    const reminder = await call("POST", "/reminders", {
      task_id: task.body.id,
      remind_at: "2026-03-01T09:30:00Z",
      channel: "ui",
    });
    const [row] = await sql<{ txid: string }[]>`
      update reminders set status = 'sent', sent_at = now(), delivery_state = 'delivered', delivered_at = now()
      where id = ${reminder.body.id} returning pg_current_xact_id()::text as txid`;
    await publishChanges(env, testStore(), [row!.txid]);
    const delivered = await socket.next((m) => m.type === "reminder.delivered" && m.id === reminder.body.id, 1000);
    expect(delivered.data.data).toMatchObject({ sent: true, status: "sent", delivery_state: "delivered" });
    socket.close();
  });

  it("the sync client applies project and person changes from the room in order, and keeps them out of its tasks and reminders", async () => {
    const events: string[] = [];
    const { client, applied } = await startClient({ onEvent: (event) => events.push(event.type) });
    const project = (await call("POST", "/projects", { name: `live ${crypto.randomUUID().slice(0, 8)}` })).body;
    const person = (await call("POST", "/people", { name: "live person" })).body;
    const task = (
      await call("POST", "/tasks", { title: "live assigned", project_id: project.id, assignee_id: person.id })
    ).body;
    await eventually(() => applied.some((c) => c.id === task.id), 5000, "the task's change applied");
    const mine = applied.filter((c) => [project.id, person.id, task.id].includes(c.id)).map((c) => c.type);
    expect(mine).toEqual(["project.created", "person.created", "task.created"]);
    // None was mistaken for an event that is not a change (which would leave a gap in seq to fetch).
    expect(events.filter((type) => /^(project|person)\./.test(type))).toEqual([]);
    expect(client.tasks.get(task.id)).toMatchObject({ project_id: project.id, assignee_id: person.id });
    expect(client.reminders.has(person.id) || client.reminders.has(project.id)).toBe(false);
    client.stop();
  });
  it("the sync client applies an attachment's change from the room, and keeps it out of its tasks and reminders", async () => {
    const events: string[] = [];
    const { client, applied } = await startClient({ onEvent: (event) => events.push(event.type) });
    const task = (await call("POST", "/tasks", { title: "live with a file" })).body;
    const file = (await call("POST", `/tasks/${task.id}/attachments?filename=live.txt`, "bytes")).body;
    await eventually(() => applied.some((c) => c.id === file.id), 5000, "the attachment's change applied");
    expect(applied.filter((c) => [task.id, file.id].includes(c.id)).map((c) => c.type)).toEqual([
      "task.created",
      "attachment.created",
    ]);
    expect(events.filter((type) => type.startsWith("attachment."))).toEqual([]);
    expect(client.tasks.has(file.id) || client.reminders.has(file.id)).toBe(false);
    client.stop();
  });
});
