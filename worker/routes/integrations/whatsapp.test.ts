import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "../../../test/helpers";
import { received, scan, uniquePhone } from "../../../test/reminders";
import { eventually } from "../../../test/sync-harness";

const vars = env as { WHATSAPP_APP_SECRET?: string; WHATSAPP_VERIFY_TOKEN?: string; WHATSAPP_PHONE_NUMBER_ID?: string };
const FAKE_WHATSAPP_PHONE_NUMBER_ID = vars.WHATSAPP_PHONE_NUMBER_ID!;
const APP_SECRET = vars.WHATSAPP_APP_SECRET!;
const VERIFY_TOKEN = vars.WHATSAPP_VERIFY_TOKEN!;

/** Meta's signature: `sha256=` and the hex HMAC-SHA256 of the raw body under the app secret. */
async function signature(raw: string, secret = APP_SECRET) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(raw)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A `messages` webhook notification for our number, as Meta sends it (webhooks/components). */
const notification = (value: Record<string, unknown>, phoneNumberId = FAKE_WHATSAPP_PHONE_NUMBER_ID) => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: "102290129340398",
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});

async function post(body: unknown, options: { raw?: string; signature?: string | null } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const sig = options.signature === undefined ? await signature(raw) : options.signature;
  return call("POST", "/integrations/whatsapp/webhook", raw, {
    authorization: "",
    "content-type": "application/json",
    ...(sig === null ? {} : { "x-hub-signature-256": sig }),
  });
}

const seconds = () => String(Math.floor(Date.now() / 1000));

/** The user writes to us: their 24-hour window opens. */
async function userWrites(phone: string) {
  const res = await post(
    notification({
      contacts: [{ profile: { name: "Ada" }, wa_id: phone.slice(1) }],
      messages: [
        {
          from: phone.slice(1),
          id: `wamid.in.${crypto.randomUUID()}`,
          timestamp: seconds(),
          type: "text",
          text: { body: "hi" },
        },
      ],
    }),
  );
  expect(res.status).toBe(200);
}

interface Sent {
  taskId: string;
  reminderId: string;
  phone: string;
  wamid: string;
  body: any;
}

/** A task with a due WhatsApp reminder to a number of its own, sent by one scan. */
async function sentReminder(options: { window: boolean }): Promise<Sent> {
  const phone = uniquePhone();
  if (options.window) await userWrites(phone);
  const task = await call("POST", "/tasks", { title: `WA ${crypto.randomUUID()}`, timezone: "Europe/Berlin" });
  const reminder = await call("POST", "/reminders", {
    task_id: task.body.id,
    channel: "whatsapp",
    recipient: phone,
    remind_at: new Date(Date.now() - 1000).toISOString(),
  });
  expect(reminder.status).toBe(201);
  await scan({ taskIds: [task.body.id] });
  const calls = await received("whatsapp", { to: phone.slice(1) });
  const stored = (await call("GET", `/reminders/${reminder.body.id}`)).body;
  expect(stored.delivery_state).toBe("accepted");
  return {
    taskId: task.body.id,
    reminderId: reminder.body.id,
    phone,
    wamid: stored.provider_message_id,
    body: calls.at(-1)!.body,
  };
}

/** The user taps a reply button of `sent` (an interactive message whose `context` names it). */
const tapMessage = (sent: Sent, buttonId: string, overrides: { from?: string; id?: string } = {}) => ({
  from: overrides.from ?? sent.phone.slice(1),
  id: overrides.id ?? `wamid.tap.${crypto.randomUUID()}`,
  timestamp: seconds(),
  type: "interactive",
  context: { from: "15550783881", id: sent.wamid },
  interactive: { type: "button_reply", button_reply: { id: buttonId, title: "Done" } },
});

const buttonId = (sent: Sent, title: string) =>
  sent.body.interactive.action.buttons.find((b: any) => b.reply.title === title).reply.id as string;

const status = (sent: Sent, value: string, extra: Record<string, unknown> = {}) =>
  notification({
    statuses: [{ id: sent.wamid, status: value, timestamp: seconds(), recipient_id: sent.phone.slice(1), ...extra }],
  });

async function textsTo(phone: string) {
  return (await received("whatsapp", { to: phone.slice(1) })).filter((c) => c.body.type === "text");
}

describe("GET /integrations/whatsapp/webhook (Meta's verification handshake)", () => {
  const handshake = (query: Record<string, string>) =>
    call("GET", `/integrations/whatsapp/webhook?${new URLSearchParams(query)}`, undefined, { authorization: "" });

  it("answers the challenge when the verify token matches, 403 otherwise", async () => {
    const ok = await handshake({
      "hub.mode": "subscribe",
      "hub.verify_token": VERIFY_TOKEN,
      "hub.challenge": "1158201444",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(1158201444);
    for (const query of <Record<string, string>[]>[
      { "hub.mode": "subscribe", "hub.verify_token": `${VERIFY_TOKEN}x`, "hub.challenge": "1" },
      { "hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1" },
      { "hub.challenge": "1" },
    ]) {
      expect((await handshake(query)).status).toBe(403);
    }
  });
});

describe("WhatsApp reminders", () => {
  it("outside the 24-hour window go out as the template", async () => {
    const sent = await sentReminder({ window: false });
    expect(sent.body.type).toBe("template");
  });

  it("within the window carry three reply buttons: Done, 1 hour and Tomorrow", async () => {
    const sent = await sentReminder({ window: true });
    expect(sent.body.type).toBe("interactive");
    expect(sent.body.interactive.type).toBe("button");
    const buttons = sent.body.interactive.action.buttons;
    expect(buttons.map((b: any) => b.reply.title)).toEqual(["Done", "1 hour", "Tomorrow"]);
    for (const b of buttons) {
      expect(b.type).toBe("reply");
      expect(b.reply.title.length).toBeLessThanOrEqual(20);
      expect(b.reply.id.length).toBeLessThanOrEqual(256);
    }
  });
});

describe("POST /integrations/whatsapp/webhook", () => {
  it("refuses a wrong or missing signature with 401 and changes nothing", async () => {
    const sent = await sentReminder({ window: true });
    const body = notification({ messages: [tapMessage(sent, buttonId(sent, "Done"))] });
    const raw = JSON.stringify(body);
    for (const sig of [null, "", await signature(raw, `${APP_SECRET}x`), await signature(`${raw} `), "sha256=zz"]) {
      const res = await post(body, { raw, signature: sig });
      expect(res.status).toBe(401);
    }
    expect((await post(status(sent, "delivered"), { signature: "sha256=00" })).status).toBe(401);
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
    expect((await call("GET", `/reminders/${sent.reminderId}`)).body.delivery_state).toBe("accepted");
  });

  it("a Done tap completes the task and answers in the chat; the same message id twice acts once", async () => {
    const sent = await sentReminder({ window: true });
    const message = tapMessage(sent, buttonId(sent, "Done"));
    expect((await post(notification({ messages: [message] }))).status).toBe(200);
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("completed");
    await eventually(async () => (await textsTo(sent.phone)).length > 0, 5000, "the reply");
    expect((await textsTo(sent.phone))[0]!.body.text.body).toMatch(/^Done ✓ \d\d:\d\d/);

    expect((await post(notification({ messages: [message] }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await textsTo(sent.phone)).toHaveLength(1);
  });

  it("1 hour snoozes the reminder an hour from now", async () => {
    const sent = await sentReminder({ window: true });
    const at = Date.now() + 3_600_000;
    expect((await post(notification({ messages: [tapMessage(sent, buttonId(sent, "1 hour"))] }))).status).toBe(200);
    const reminder = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect(reminder.status).toBe("scheduled");
    expect(Math.abs(Date.parse(reminder.remind_at) - at)).toBeLessThan(5000);
  });

  it("refuses a tampered button id or a tap from another number, and changes nothing", async () => {
    const sent = await sentReminder({ window: true });
    const id = buttonId(sent, "Done");
    const tampered = `${id.slice(0, 5)}${id[5] === "A" ? "B" : "A"}${id.slice(6)}`;
    const stranger = uniquePhone();
    for (const message of [tapMessage(sent, tampered), tapMessage(sent, id, { from: stranger.slice(1) })]) {
      expect((await post(notification({ messages: [message] }))).status).toBe(200);
    }
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
    await eventually(async () => (await textsTo(sent.phone)).length > 0, 5000, "the refusal");
    expect((await textsTo(sent.phone))[0]!.body.text.body).toBe("This button is not valid.");
  });

  it("a delivered or read status confirms the reminder, with the status's time", async () => {
    for (const value of ["delivered", "read"]) {
      const sent = await sentReminder({ window: false });
      const body = status(sent, value);
      expect((await post(body)).status).toBe(200);
      const reminder = (await call("GET", `/reminders/${sent.reminderId}`)).body;
      expect(reminder.delivery_state).toBe("delivered");
      const ts = Number((body.entry[0]!.changes[0]!.value as any).statuses[0].timestamp);
      expect(Date.parse(reminder.delivered_at)).toBe(ts * 1000);
    }
  });

  it("a sent status changes nothing: Meta only passed it on", async () => {
    const sent = await sentReminder({ window: false });
    const before = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect((await post(status(sent, "sent"))).status).toBe(200);
    expect((await call("GET", `/reminders/${sent.reminderId}`)).body.version).toBe(before.version);
  });

  it("a failed status with 131047 (window closed) retries with the template", async () => {
    const sent = await sentReminder({ window: true });
    expect(sent.body.type).toBe("interactive");
    const failed = status(sent, "failed", {
      errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message" }],
    });
    expect((await post(failed)).status).toBe(200);
    const rearmed = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect(rearmed).toMatchObject({ status: "scheduled", delivery_state: null });
    expect(rearmed.last_error).toContain("131047");
    await scan({ taskIds: [sent.taskId] });
    const calls = await received("whatsapp", { to: sent.phone.slice(1) });
    expect(calls.at(-1)!.body.type).toBe("template");
    expect((await call("GET", `/reminders/${sent.reminderId}`)).body.delivery_state).toBe("accepted");
  });

  it("a failed status with a permanent code fails the reminder, keeping the code", async () => {
    const sent = await sentReminder({ window: false });
    const failed = status(sent, "failed", { errors: [{ code: 131026, title: "Message undeliverable" }] });
    expect((await post(failed)).status).toBe(200);
    const reminder = (await call("GET", `/reminders/${sent.reminderId}`)).body;
    expect(reminder).toMatchObject({ status: "failed", delivery_state: null, sent: false });
    expect(reminder.last_error).toContain("131026");
  });

  it("answers today and add from an allowed number, refuses others, and leaves plain text alone", async () => {
    const allowed = "+15550001001";
    const text = (from: string, body: string) =>
      notification({
        messages: [
          {
            from: from.slice(1),
            id: `wamid.in.${crypto.randomUUID()}`,
            timestamp: seconds(),
            type: "text",
            text: { body },
          },
        ],
      });
    const name = `buy stamps ${crypto.randomUUID().slice(0, 8)}`;
    const before = (await textsTo(allowed)).length;
    expect((await post(text(allowed, `add ${name} tomorrow at 9`))).status).toBe(200);
    await eventually(async () => (await textsTo(allowed)).length > before, 5000, "the answer to add");
    // WHATSAPP_DEFAULT_TZ is America/New_York in the tests.
    expect((await textsTo(allowed))[before]!.body.text.body).toMatch(
      new RegExp(`^Added: ${name} — due \\d{4}-\\d\\d-\\d\\d 09:00 America/New_York\\.$`),
    );
    expect((await post(text(allowed, "/today"))).status).toBe(200);
    await eventually(async () => (await textsTo(allowed)).length > before + 1, 5000, "the agenda");
    expect((await textsTo(allowed))[before + 1]!.body.text.body).toMatch(
      /Today, \d{4}-\d\d-\d\d \(America\/New_York\):/,
    );

    const stranger = uniquePhone();
    expect((await post(text(stranger, "today"))).status).toBe(200);
    await eventually(async () => (await textsTo(stranger)).length > 0, 5000, "the refusal");
    expect((await textsTo(stranger))[0]!.body.text.body).toMatch(/^Sorry/);
    const quiet = uniquePhone();
    expect((await post(text(quiet, "thanks!"))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await textsTo(quiet)).toHaveLength(0);
  });

  it("answers hostile bodies with 200 or 4xx, never 5xx, and acts on none", async () => {
    const sent = await sentReminder({ window: true });
    const id = buttonId(sent, "Done");
    const bodies: unknown[] = [
      [],
      "text",
      null,
      { object: "page", entry: [] },
      { object: "whatsapp_business_account", entry: "x" },
      { object: "whatsapp_business_account", entry: [{ changes: [{ value: null }] }] },
      notification({ messages: [tapMessage(sent, id)] }, "999"),
      notification({ messages: [{ ...tapMessage(sent, id), from: 42 }] }),
      notification({ messages: [{ ...tapMessage(sent, id), id: undefined }] }),
      notification({ messages: [{ ...tapMessage(sent, id), interactive: { type: "button_reply" } }] }),
      notification({ messages: "no", statuses: [{ id: 5 }, { id: sent.wamid, status: "exploded" }, null] }),
      notification({ statuses: [{ id: sent.wamid, status: "delivered", timestamp: "99999999999999" }] }),
      notification({ unknown_field: { deep: [1, 2, 3] } }),
    ];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBeLessThan(500);
    }
    expect((await post(undefined, { raw: "{not json" })).status).toBe(400);
    expect((await post(undefined, { raw: JSON.stringify({ x: "y".repeat(70_000) }) })).status).toBe(413);
    expect((await call("GET", `/tasks/${sent.taskId}`)).body.status).toBe("pending");
  });
});
