import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, changeOf, database } from "../../../test/helpers";
import { openRoomSocket } from "../../../test/realtime/helpers";
import { received, scan, uniqueChatId } from "../../../test/reminders";
import { eventually } from "../../../test/sync-harness";

const SECRET = (env as { TELEGRAM_WEBHOOK_SECRET?: string }).TELEGRAM_WEBHOOK_SECRET!;
const ALLOWED = ((env as { TELEGRAM_ALLOWED_CHAT_IDS?: string }).TELEGRAM_ALLOWED_CHAT_IDS ?? "").split(",");

let updateIds = Math.floor(Date.now() / 1000) * 1000;
const nextUpdateId = () => updateIds++;

/** Posts an update as Telegram does: JSON, with the secret token in its header (core.telegram.org/bots/api#setwebhook). */
function post(update: unknown, secret: string | null = SECRET, raw?: string) {
  return call("POST", "/integrations/telegram/webhook", raw ?? update, {
    authorization: "",
    "content-type": "application/json",
    ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
  });
}

interface Sent {
  taskId: string;
  reminderId: string;
  chat: string;
  messageId: number;
  text: string;
  buttons: { text: string; callback_data: string }[];
}

/** A task with a due Telegram reminder to a chat of its own, delivered by one scan; what the chat got. */
async function deliveredReminder(task: Record<string, unknown> = {}): Promise<Sent> {
  const chat = uniqueChatId();
  const created = await call("POST", "/tasks", {
    title: `Tap ${crypto.randomUUID()}`,
    timezone: "Asia/Tokyo",
    ...task,
  });
  expect(created.status).toBe(201);
  const reminder = await call("POST", "/reminders", {
    task_id: created.body.id,
    channel: "telegram",
    recipient: chat,
    remind_at: new Date(Date.now() - 1000).toISOString(),
  });
  expect(reminder.status).toBe(201);
  await scan({ taskIds: [created.body.id] });
  const [sent] = await received("telegram", { to: chat });
  const stored = await call("GET", `/reminders/${reminder.body.id}`);
  expect(stored.body.delivery_state).toBe("delivered");
  return {
    taskId: created.body.id,
    reminderId: reminder.body.id,
    chat,
    messageId: Number(stored.body.provider_message_id),
    text: sent!.body.text,
    buttons: sent!.body.reply_markup.inline_keyboard.flat(),
  };
}

/** A callback_query update (core.telegram.org/bots/api#callbackquery) for a tap on `data` in `chat`'s message. */
function tap(sent: Sent, data: string, overrides: { chat?: string; messageId?: number; updateId?: number } = {}) {
  const chat = overrides.chat ?? sent.chat;
  return {
    update_id: overrides.updateId ?? nextUpdateId(),
    callback_query: {
      id: `cq-${crypto.randomUUID()}`,
      from: { id: 4242, is_bot: false, first_name: "Ada" },
      chat_instance: "-123",
      data,
      message: {
        message_id: overrides.messageId ?? sent.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chat), type: "supergroup", title: "Home" },
        text: sent.text,
      },
    },
  };
}

const button = (sent: Sent, label: string) => sent.buttons.find((b) => b.text.startsWith(label))!.callback_data;

async function calls(to: string, method: string) {
  return (await received("telegram", { to })).filter((c) => c.path.endsWith(`/${method}`));
}

async function toastFor(update: ReturnType<typeof tap>) {
  const to = `callback:${update.callback_query.id}`;
  await eventually(async () => (await received("telegram", { to })).length > 0, 5000, "answerCallbackQuery");
  return (await received("telegram", { to }))[0]!.body;
}

describe("reminders on Telegram carry buttons", () => {
  it("Done, 10 min, 1 hour and Tomorrow, each with callback_data of at most 64 bytes", async () => {
    const sent = await deliveredReminder();
    expect(sent.buttons.map((b) => b.text)).toEqual(["Done ✓", "10 min", "1 hour", "Tomorrow"]);
    for (const b of sent.buttons) {
      const bytes = new TextEncoder().encode(b.callback_data).length;
      expect(bytes).toBeGreaterThanOrEqual(1);
      expect(bytes).toBeLessThanOrEqual(64);
    }
    expect(new Set(sent.buttons.map((b) => b.callback_data)).size).toBe(4);
  });
});

describe("POST /integrations/telegram/webhook", () => {
  it("refuses a wrong or missing secret token with 401 and changes nothing", async () => {
    const sent = await deliveredReminder();
    for (const secret of [null, "", `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await post(tap(sent, button(sent, "Done")), secret);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
  });

  it("Done completes the task, answers the tap and replaces the buttons with the outcome; the room and /changes see it", async () => {
    const sent = await deliveredReminder();
    const socket = await openRoomSocket();
    await socket.next((m) => m.type === "sync.ready");
    const update = tap(sent, button(sent, "Done"));
    const started = Date.now();
    const res = await post(update);
    expect(res.status).toBe(200);

    await socket.next((m) => m.type === "task.updated" && m.id === sent.taskId && m.data.status === "completed", 1000);
    expect(Date.now() - started).toBeLessThan(1500);
    socket.close();
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("completed");
    const completed = await changeOf(sent.taskId, (c) => c.type === "task.updated" && c.data.status === "completed");
    expect(completed).toBeDefined();

    expect((await toastFor(update)).text).toMatch(/^Done ✓ \d\d:\d\d/);
    await eventually(async () => (await calls(sent.chat, "editMessageText")).length > 0, 5000, "editMessageText");
    const [edit] = await calls(sent.chat, "editMessageText");
    expect(edit!.body.message_id).toBe(sent.messageId);
    expect(edit!.body.reply_markup).toEqual({ inline_keyboard: [] });
    expect(edit!.body.text.startsWith(sent.text)).toBe(true);
    expect(edit!.body.text).toMatch(/Done ✓ \d\d:\d\d$/);
  });

  it("10 min and 1 hour snooze the reminder from now; Tomorrow to 09:00 tomorrow in the task's zone", async () => {
    for (const [label, expected] of [
      ["10 min", () => Date.now() + 10 * 60_000],
      ["1 hour", () => Date.now() + 60 * 60_000],
      [
        "Tomorrow",
        () => {
          // Tomorrow's date in Tokyo (UTC+9, no DST), at 09:00 local.
          const tokyo = new Date(Date.now() + 9 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
          return Date.parse(`${tokyo}T09:00:00+09:00`);
        },
      ],
    ] as const) {
      const sent = await deliveredReminder();
      const at = expected();
      expect((await post(tap(sent, button(sent, label)))).status).toBe(200);
      const reminder = (await call("GET", `/reminders/${sent.reminderId}`)).body;
      expect(reminder.status).toBe("scheduled");
      expect(Math.abs(Date.parse(reminder.remind_at) - at)).toBeLessThan(label === "Tomorrow" ? 1 : 5000);
      await eventually(async () => (await calls(sent.chat, "editMessageText")).length > 0, 5000, "edit");
      expect((await calls(sent.chat, "editMessageText"))[0]!.body.text).toMatch(/Snoozed until .*\d\d:\d\d$/);
    }
  });

  it("acts once on the same update_id sent twice", async () => {
    const sent = await deliveredReminder();
    const update = tap(sent, button(sent, "10 min"));
    expect((await post(update)).status).toBe(200);
    const first = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect((await post(update)).status).toBe(200);
    const second = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect(second.version).toBe(first.version);
    await toastFor(update);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await received("telegram", { to: `callback:${update.callback_query.id}` })).toHaveLength(1);
  });

  it("refuses a tap from another chat, or with callback_data changed by one byte, and changes nothing", async () => {
    const sent = await deliveredReminder();
    const data = button(sent, "Done");
    const flipped = [...data].map((ch, i) => (i === 10 ? (ch === "A" ? "B" : "A") : ch)).join("");
    const forged = [
      tap(sent, data, { chat: uniqueChatId() }),
      tap(sent, flipped),
      tap(sent, `${data.slice(0, -1)}${data.endsWith("A") ? "B" : "A"}`),
      tap(sent, `t${data.slice(1)}`),
      tap(sent, "x".repeat(64)),
    ];
    for (const update of forged) {
      expect((await post(update)).status).toBe(200);
      expect((await toastFor(update)).text).toBe("This button is not valid.");
    }
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
    expect((await call("GET", `/reminders/${sent.reminderId}`)).body.status).toBe("sent");
    expect(await calls(sent.chat, "editMessageText")).toHaveLength(0);
  });

  it("a tap after the task changed says so and changes nothing", async () => {
    const sent = await deliveredReminder();
    expect((await call("PATCH", `/tasks/${sent.taskId}`, { status: "completed" })).status).toBe(200);
    const before = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    const update = tap(sent, button(sent, "1 hour"));
    expect((await post(update)).status).toBe(200);
    expect((await toastFor(update)).text).toMatch(/already completed/i);
    expect((await call("GET", `/reminders/${sent.reminderId}`)).body.version).toBe(before.version);
  });

  it("Done on a recurring task advances it once; a second tap on the same message changes nothing", async () => {
    const due = new Date(Date.now() + 3_600_000);
    due.setUTCSeconds(0, 0);
    const sent = await deliveredReminder({ due_time: due.toISOString(), rrule: "FREQ=DAILY" });
    expect((await post(tap(sent, button(sent, "Done")))).status).toBe(200);
    const advanced = (await call("GET", `/tasks/${sent.taskId}`)).body;
    expect(advanced.status).toBe("pending");
    expect(Date.parse(advanced.due_time)).toBe(due.getTime() + 86_400_000);
    const again = tap(sent, button(sent, "Done"));
    expect((await post(again)).status).toBe(200);
    expect((await toastFor(again)).text).toMatch(/already completed/i);
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.due_time).toBe(advanced.due_time);
  });

  it("/today answers an allowed chat with its agenda and refuses other chats politely", async () => {
    const chat = ALLOWED[0]!;
    const before = (await calls(chat, "sendMessage")).length;
    const message = (text: string, from: string) => ({
      update_id: nextUpdateId(),
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(from), type: "private" },
        text,
      },
    });
    expect((await post(message("/today", chat))).status).toBe(200);
    await eventually(async () => (await calls(chat, "sendMessage")).length > before, 5000, "the agenda");
    const agenda = (await calls(chat, "sendMessage"))[before]!.body.text;
    expect(agenda).toMatch(/Today, \d{4}-\d\d-\d\d \(Europe\/Berlin\):/);

    const stranger = uniqueChatId();
    expect((await post(message("/today", stranger))).status).toBe(200);
    await eventually(async () => (await calls(stranger, "sendMessage")).length > 0, 5000, "the refusal");
    expect((await calls(stranger, "sendMessage"))[0]!.body.text).toMatch(/^Sorry/);
  });

  it("/add quick-adds a task, with a reminder back to this chat, and says what it understood", async () => {
    const chat = ALLOWED[1]!;
    const name = `water the plant ${crypto.randomUUID().slice(0, 8)}`;
    const before = (await calls(chat, "sendMessage")).length;
    const update = {
      update_id: nextUpdateId(),
      message: {
        message_id: 2,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chat), type: "private" },
        text: `/add ${name} tomorrow at 9, remind me 1 hour before`,
      },
    };
    expect((await post(update)).status).toBe(200);
    await eventually(async () => (await calls(chat, "sendMessage")).length > before, 5000, "the answer");
    const answer = (await calls(chat, "sendMessage"))[before]!.body.text;
    // TELEGRAM_DEFAULT_TZ is Europe/Berlin in the tests: 09:00 there, tomorrow.
    expect(answer).toMatch(
      new RegExp(
        `^Added: ${name} — due \\d{4}-\\d\\d-\\d\\d 09:00 Europe/Berlin; I'll remind you here 1 hour before\\.$`,
      ),
    );
    const sql = database();
    const [task] = await sql`select id, source, timezone from tasks where title = ${name}`;
    expect(task).toMatchObject({ source: "telegram", timezone: "Europe/Berlin" });
    const rows = await sql`select channel, recipient, offset_minutes from reminders where task_id = ${task!.id}`;
    expect(rows).toEqual([{ channel: "telegram", recipient: chat, offset_minutes: -60 }]);

    const unclear = {
      ...update,
      update_id: nextUpdateId(),
      message: { ...update.message, text: "/add remind me sometime" },
    };
    expect((await post(unclear)).status).toBe(200);
    await eventually(async () => (await calls(chat, "sendMessage")).length > before + 1, 5000, "the refusal");
    expect((await calls(chat, "sendMessage"))[before + 1]!.body.text).toMatch(/^Not added: /);
  });

  it("answers hostile bodies with 200 or 4xx, never 5xx, and acts on none", async () => {
    const sent = await deliveredReminder();
    const data = button(sent, "Done");
    const cases: { body?: unknown; raw?: string }[] = [
      { raw: "{not json" },
      { raw: "" },
      { body: [] },
      { body: { update_id: "1" } },
      { body: { update_id: 1.5 } },
      { body: { update_id: nextUpdateId(), edited_message: { text: "/today", chat: { id: Number(ALLOWED[0]) } } } },
      { body: { update_id: nextUpdateId(), callback_query: { id: "x", data } } },
      { body: { update_id: nextUpdateId(), callback_query: { data, message: { chat: { id: Number(sent.chat) } } } } },
      { body: { update_id: nextUpdateId(), callback_query: "no" } },
      { body: { update_id: nextUpdateId(), message: { chat: {}, text: 7 } } },
      { body: { update_id: nextUpdateId(), message: null } },
      { body: { update_id: nextUpdateId(), poll: { id: "1" } } },
      { raw: JSON.stringify({ update_id: nextUpdateId(), message: { text: "x".repeat(70_000) } }) },
    ];
    for (const c of cases) {
      const res = await post(c.body, SECRET, c.raw);
      expect(res.status, JSON.stringify(c).slice(0, 80)).toBeLessThan(500);
      expect([200, 400, 413]).toContain(res.status);
    }
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
  });
});
