import { describe, expect, it } from "vitest";
import { fakes, received, scanConfig, script, uniqueChatId, uniquePhone } from "../../../test/reminders";
import type { DueReminder } from "../claim";
import { createChannels } from ".";
import type { DeliveryResult } from "./channel";
import { telegramChannel } from "./telegram";
import { type ReminderDueEvent, roomFromEnv, uiChannel } from "./ui";
import { whatsappChannel } from "./whatsapp";

const now = new Date("2030-01-01T09:00:00Z");

/** A claimed reminder as the scan hands it to a channel. */
function due(channel: DueReminder["channel"], recipient: string | null, title = "Water the plants"): DueReminder {
  const taskId = crypto.randomUUID();
  return {
    id: crypto.randomUUID(),
    task_id: taskId,
    remind_at: now,
    offset_minutes: null,
    channel,
    recipient,
    status: "scheduled",
    sent: false,
    sent_at: null,
    delivery_state: null,
    delivered_at: null,
    provider_message_id: null,
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    lease_until: new Date(now.getTime() + 60_000),
    lease_token: crypto.randomUUID(),
    first_attempt_at: now,
    created_at: now,
    version: 1,
    task: {
      id: taskId,
      title,
      description: null,
      status: "pending",
      due_time: new Date("2030-01-01T10:00:00Z"),
      due_date: null,
      all_day: false,
      timezone: "UTC",
      rrule: null,
      occurrence: null,
      occurrence_local: null,
      reminder_anchor: new Date("2030-01-01T10:00:00Z"),
      source: "telegram",
      labels: [],
      project_id: null,
      assignee_id: null,
      label_keys: [],
      created_at: now,
      updated_at: now,
      version: 1,
    },
  };
}

const signal = () => AbortSignal.timeout(5000);
// Plain text unless a test asks for the template.
const config = scanConfig({ WHATSAPP_TEMPLATE_NAME: "", WHATSAPP_TEMPLATE_LANGUAGE: "" });
const telegram = telegramChannel(config.telegram!);
const whatsapp = whatsappChannel(config.whatsapp!);

describe("telegram", () => {
  const cases: [string, object, DeliveryResult][] = [
    [
      "a blocked bot (403) is permanent",
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
      { outcome: "permanent", error: "HTTP 403: Forbidden: bot was blocked by the user" },
    ],
    [
      "a group that became a supergroup says where it went",
      {
        status: 400,
        body: {
          ok: false,
          error_code: 400,
          description: "Bad Request: group chat was upgraded to a supergroup chat",
          parameters: { migrate_to_chat_id: -1001234567890 },
        },
      },
      {
        outcome: "permanent",
        error:
          "Bad Request: group chat was upgraded to a supergroup chat (the group is now chat -1001234567890; update the reminder's recipient)",
      },
    ],
    [
      "a 5xx is transient",
      { status: 503, body: { ok: false, error_code: 503, description: "Service Unavailable" } },
      { outcome: "transient", error: "HTTP 503: Service Unavailable" },
    ],
    [
      "a 429 carries its retry_after",
      {
        status: 429,
        body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 7 } },
      },
      { outcome: "transient", error: "HTTP 429: Too Many Requests", retryAfterSeconds: 7 },
    ],
  ];
  for (const [what, reply, expected] of cases) {
    it(what, async () => {
      const chat = uniqueChatId();
      await script("telegram", chat, [reply]);
      expect(await telegram.deliver(due("telegram", chat), signal())).toEqual(expected);
    });
  }

  it("sends plain text (no parse_mode), so markup in a title arrives as typed; the returned Message means delivered", async () => {
    const chat = uniqueChatId();
    const title = "Fix <b>bold</b> & *stars* _under_ [link](x)";
    expect(await telegram.deliver(due("telegram", chat, title), signal())).toEqual({
      outcome: "sent",
      delivery: "delivered",
      providerMessageId: expect.stringMatching(/^\d+$/),
    });
    const [call] = await received("telegram", { to: chat });
    expect(call!.body).toEqual({
      chat_id: chat,
      text: `⏰ Reminder: ${title}\nDue 2030-01-01 10:00 UTC`,
      reply_markup: { inline_keyboard: [[expect.objectContaining({ text: "Done ✓" })], expect.any(Array)] },
    });
    expect(call!.path).toBe(`/bot${fakes.tokens.telegram}/sendMessage`);
  });

  it("sends no buttons without TELEGRAM_WEBHOOK_SECRET: no tap could reach us", async () => {
    const chat = uniqueChatId();
    const plain = telegramChannel({ ...config.telegram!, webhookSecret: undefined });
    expect((await plain.deliver(due("telegram", chat), signal())).outcome).toBe("sent");
    const [call] = await received("telegram", { to: chat });
    expect(call!.body.reply_markup).toBeUndefined();
  });

  it("refuses a wrong token as permanent, without the token in the error", async () => {
    const wrong = telegramChannel({ ...config.telegram!, token: "999:not-the-token" });
    const result = await wrong.deliver(due("telegram", uniqueChatId()), signal());
    expect(result).toEqual({ outcome: "permanent", error: "HTTP 401: Unauthorized" });
  });

  it("uses the default chat, and waits for configuration when there is none", async () => {
    const chat = uniqueChatId();
    expect(await telegramChannel(config.telegram!, chat).deliver(due("telegram", null), signal())).toMatchObject({
      outcome: "sent",
    });
    expect(await received("telegram", { to: chat })).toHaveLength(1);
    const result = await telegram.deliver(due("telegram", null), signal());
    expect(result).toMatchObject({
      outcome: "unconfigured",
      error: expect.stringContaining("TELEGRAM_DEFAULT_CHAT_ID"),
    });
  });

  it("gives up on a provider that does not answer in time, as transient", async () => {
    const chat = uniqueChatId();
    await script("telegram", chat, [{ status: 200, delayMs: 1000 }]);
    expect(await telegram.deliver(due("telegram", chat), AbortSignal.timeout(100))).toEqual({
      outcome: "transient",
      error: "network error: no answer in time",
    });
  });

  it("treats an unreachable provider as transient, without its URL in the error", async () => {
    const down = telegramChannel({
      token: "123:secret-in-url",
      apiBase: "http://127.0.0.1:9",
      allowedChatIds: [],
      defaultTz: "UTC",
    });
    const result = await down.deliver(due("telegram", uniqueChatId()), signal());
    expect(result.outcome).toBe("transient");
    expect(JSON.stringify(result)).not.toContain("secret-in-url");
  });
});

describe("whatsapp", () => {
  const graphError = (status: number, code: number, message: string) => ({
    status,
    body: { error: { message, type: "OAuthException", code, fbtrace_id: "abc" } },
  });
  const cases: [string, object, Partial<DeliveryResult>][] = [
    ["throughput exceeded (130429) is transient", graphError(400, 130429, "Rate limit hit"), { outcome: "transient" }],
    ["pair rate limit (131056) is transient", graphError(400, 131056, "Pair rate limit hit"), { outcome: "transient" }],
    ["a bad token (190) is permanent", graphError(401, 190, "Invalid OAuth access token."), { outcome: "permanent" }],
    [
      "outside the 24-hour window (131047) is permanent and says to use a template",
      graphError(400, 131047, "Re-engagement message"),
      { outcome: "permanent", error: expect.stringContaining("WHATSAPP_TEMPLATE_NAME") } as object,
    ],
    ["an unknown 5xx is transient", { status: 500, body: "oops" }, { outcome: "transient", error: "HTTP 500: oops" }],
  ];
  for (const [what, reply, expected] of cases) {
    it(what, async () => {
      const phone = uniquePhone();
      await script("whatsapp", phone.slice(1), [reply]);
      expect(await whatsapp.deliver(due("whatsapp", phone), signal())).toMatchObject(expected);
    });
  }

  it("keeps the provider's message and code in the error", async () => {
    const phone = uniquePhone();
    await script("whatsapp", phone.slice(1), [graphError(400, 131026, "Message undeliverable")]);
    expect(await whatsapp.deliver(due("whatsapp", phone), signal())).toEqual({
      outcome: "permanent",
      error: "Message undeliverable (code 131026)",
    });
  });

  it("counts a 200 with a message id as accepted only, keeping the id for the status webhooks", async () => {
    const phone = uniquePhone();
    await script("whatsapp", phone.slice(1), [
      { status: 200, body: { messaging_product: "whatsapp", messages: [{ id: "wamid.HBgLMTU1NTAxMjM0NTY" }] } },
    ]);
    expect(await whatsapp.deliver(due("whatsapp", phone), signal())).toEqual({
      outcome: "sent",
      delivery: "accepted",
      providerMessageId: "wamid.HBgLMTU1NTAxMjM0NTY",
    });
  });

  it("sends the configured template with title and due time as body parameters, whitespace folded", async () => {
    const phone = uniquePhone();
    const templated = whatsappChannel({ ...config.whatsapp!, template: { name: "task_reminder", language: "en_US" } });
    const result = await templated.deliver(due("whatsapp", phone, "Call\n\tthe     bank"), signal());
    expect(result).toMatchObject({ outcome: "sent", delivery: "accepted" });
    const [call] = await received("whatsapp", { to: phone.slice(1) });
    expect(call!.authorization).toBe(`Bearer ${fakes.tokens.whatsapp}`);
    expect(call!.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: phone.slice(1),
      type: "template",
      template: {
        name: "task_reminder",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Call the bank" },
              { type: "text", text: "2030-01-01 10:00 UTC" },
            ],
          },
        ],
      },
    });
  });
});

describe("ui room", () => {
  it("calls the room's notify with the reminder (as the API shows it) and its task", async () => {
    const events: ReminderDueEvent[] = [];
    const room = uiChannel(async () => ({ notify: async (event) => events.push(event as ReminderDueEvent) }));
    const reminder = due("ui", null);
    // The room broadcasts to whoever is connected and confirms nothing: accepted.
    expect(await room.deliver(reminder, signal())).toEqual({ outcome: "sent", delivery: "accepted" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "reminder.due",
      reminder: { id: reminder.id, channel: "ui", remind_at: "2030-01-01T09:00:00.000Z", sent: false },
      task: { id: reminder.task_id, title: "Water the plants", due_time: "2030-01-01T10:00:00.000Z" },
    });
    expect(events[0]!.reminder).not.toHaveProperty("lease_token");
    expect(events[0]!.reminder).not.toHaveProperty("first_attempt_at");
    expect(events[0]!.reminder).not.toHaveProperty("task");
  });

  it("retries when the room cannot be reached", async () => {
    const room = uiChannel(async () => {
      throw new Error("Durable Object reset");
    });
    expect(await room.deliver(due("ui", null), signal())).toEqual({
      outcome: "transient",
      error: "room unavailable: Durable Object reset",
    });
  });

  it("is not configured in a Worker without the MAIN binding", async () => {
    expect(roomFromEnv({})).toBeUndefined();
    const result = await createChannels(config).ui.deliver(due("ui", null), signal());
    expect(result).toMatchObject({
      outcome: "unconfigured",
      error: expect.stringMatching(/^channel not configured: /),
    });
  });
});
