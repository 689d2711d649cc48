import { describe, expect, it } from "vitest";
import { call, database } from "../../test/helpers";
import {
  fakes,
  received,
  scan,
  scanConfig,
  seedReminders,
  seedTask,
  uniqueChatId,
  uniquePhone,
} from "../../test/reminders";

/*
 * Who a reminder goes to (README, People): its own recipient; else its task's assignee's handle
 * for the reminder's channel; else the channel's default (TELEGRAM_DEFAULT_CHAT_ID, WHATSAPP_DEFAULT_TO).
 * Asserted on what the fake providers received.
 */

const sql = database();
const T0 = new Date("2030-07-01T09:00:00Z");
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);

async function assignedTask(handles: { telegram_chat_id?: string; whatsapp_number?: string }) {
  const person = await call("POST", "/people", { name: `Assignee ${crypto.randomUUID().slice(0, 8)}`, ...handles });
  expect(person.status, JSON.stringify(person.body)).toBe(201);
  const task = await seedTask(sql);
  expect((await call("PATCH", `/tasks/${task.id}`, { assignee_id: person.body.id })).status).toBe(200);
  return { task, person: person.body };
}

const storedRecipient = async (id: string) => (await sql`select recipient, status from reminders where id = ${id}`)[0]!;

describe("a reminder without a recipient goes to its task's assignee", () => {
  it("on Telegram: the assignee's chat gets the message; the reminder keeps no recipient of its own", async () => {
    const chat = uniqueChatId();
    const { task } = await assignedTask({ telegram_chat_id: chat });
    const [reminder] = await seedReminders(sql, task.id, "telegram", [null], T0);

    const { report } = await scan({ taskIds: [task.id], clock: at(1) });

    expect(report).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
    const calls = await received("telegram", { to: chat });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({ chat_id: chat, text: expect.stringContaining(task.title) });
    expect(await storedRecipient(reminder!.id)).toEqual({ recipient: null, status: "sent" });
  });

  it("on WhatsApp: the assignee's number gets it", async () => {
    const phone = uniquePhone();
    const { task } = await assignedTask({ whatsapp_number: phone, telegram_chat_id: uniqueChatId() });
    await seedReminders(sql, task.id, "whatsapp", [null], T0);

    const { report } = await scan({ taskIds: [task.id], clock: at(1) });

    expect(report).toMatchObject({ sent: 1, failed: 0 });
    // The Cloud API addresses a number without its '+' (the fake records `to` as sent).
    expect(await received("whatsapp", { to: phone.slice(1) })).toHaveLength(1);
  });

  it("its own recipient comes first, and without an assignee's handle for the channel the default does", async () => {
    const [own, assignee, fallback] = [uniqueChatId(), uniqueChatId(), uniqueChatId()];
    const { task } = await assignedTask({ telegram_chat_id: assignee });
    await seedReminders(sql, task.id, "telegram", [own], T0);
    const onlyWhatsApp = await assignedTask({ whatsapp_number: uniquePhone() });
    await seedReminders(sql, onlyWhatsApp.task.id, "telegram", [null], T0);

    const config = scanConfig({ TELEGRAM_DEFAULT_CHAT_ID: fallback });
    const { report } = await scan({ taskIds: [task.id, onlyWhatsApp.task.id], clock: at(1), config });

    expect(report).toMatchObject({ claimed: 2, sent: 2 });
    expect(await received("telegram", { to: own })).toHaveLength(1);
    expect(await received("telegram", { to: assignee })).toHaveLength(0);
    expect(await received("telegram", { to: fallback })).toHaveLength(1);
  });

  it("through the OpenClaw gateway too: the agent is told to deliver to the assignee's chat", async () => {
    const chat = uniqueChatId();
    const { task } = await assignedTask({ telegram_chat_id: chat });
    await seedReminders(sql, task.id, "telegram", [null], T0);
    const config = scanConfig({ OPENCLAW_HOOKS_URL: fakes.urls.openclaw, OPENCLAW_HOOKS_TOKEN: fakes.tokens.openclaw });

    const { report } = await scan({ taskIds: [task.id], clock: at(1), config });

    expect(report).toMatchObject({ sent: 1 });
    const calls = await received("openclaw", { to: chat });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]!.body).toMatchObject({ channel: "telegram", to: chat, deliver: true });
  });
});
