import { describe, expect, it } from "vitest";
import { fakes, received, scanConfig, script, uniqueChatId, uniquePhone } from "../../../test/reminders";
import { GATEWAY_ERRORS, type GatewayConfig, openclawGateway } from "../../../test/setup/openclaw-gateway";
import type { OpenClawConfig } from "../../settings/scan";
import type { DueReminder } from "../claim";
import { idempotencyKey, openclawChannel } from "./openclaw";

/*
 * Expectations from openclaw/openclaw docs/gateway/config-hooks.md: "Hook HTTP contract" (statuses,
 * `200 { ok: true, runId }`), "Hook agent payload" (sessionKey opt-in, channel with to) and "Hook
 * retries and fan-out" (Idempotency-Key replay, waitForCompletion, completion's delivery facts).
 */

const now = new Date("2030-01-01T09:00:00Z");
const config = scanConfig();
const gatewayConfig = (overrides: Partial<OpenClawConfig> = {}): OpenClawConfig => ({
  url: fakes.urls.openclaw,
  token: fakes.tokens.openclaw,
  confirmWaitMs: 2000,
  ...overrides,
});
const gateway = (overrides: Partial<OpenClawConfig> = {}, defaultTo?: string) =>
  openclawChannel(gatewayConfig(overrides), "telegram", defaultTo, config.providerTimeoutMs);
const signal = () => AbortSignal.timeout(8000);

function due(recipient: string | null, title = `Stretch ${crypto.randomUUID()}`): DueReminder {
  const taskId = crypto.randomUUID();
  return {
    id: crypto.randomUUID(),
    task_id: taskId,
    remind_at: now,
    offset_minutes: null,
    channel: "telegram",
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
    lease_until: null,
    lease_token: null,
    first_attempt_at: now,
    created_at: now,
    version: 1,
    task: {
      id: taskId,
      title,
      description: null,
      status: "pending",
      due_time: null,
      due_date: null,
      all_day: false,
      timezone: "UTC",
      rrule: null,
      occurrence: null,
      occurrence_local: null,
      reminder_anchor: null,
      source: "system",
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

describe("the OpenClaw gateway channel", () => {
  it("on a default gateway: no sessionKey, channel and to together, 200, and completion.delivered means delivered", async () => {
    const chat = uniqueChatId();
    const reminder = due(chat);
    const result = await gateway().deliver(reminder, signal());
    const calls = await received("openclaw", { to: chat });
    const runId = calls[0]!.gateway!.runId;
    expect(result).toEqual({ outcome: "sent", delivery: "delivered", providerMessageId: runId });
    // Admission, then the same dispatch again waiting for its completion: one run, replayed.
    expect(calls.map((c) => [c.gateway!.replay, c.gateway!.waitForCompletion])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(calls.map((c) => c.gateway!.runId)).toEqual([runId, runId]);
    expect(calls.map((c) => c.gateway!.idempotencyKey)).toEqual([idempotencyKey(reminder), idempotencyKey(reminder)]);
    const body = calls[0]!.body;
    expect(body).not.toHaveProperty("sessionKey");
    expect(body).toMatchObject({ name: "Reminder", wakeMode: "now", deliver: true, channel: "telegram", to: chat });
    expect(body.message).toContain(reminder.task.title);
    expect(calls[0]!.authorization).toBe(`Bearer ${fakes.tokens.openclaw}`);
  });

  it("leaves a run without delivery facts accepted", async () => {
    const chat = uniqueChatId();
    await script("openclaw", chat, [{ completion: { status: "ok", replyDisposition: "visible" } }]);
    expect(await gateway().deliver(due(chat), signal())).toMatchObject({ outcome: "sent", delivery: "accepted" });
  });

  it("leaves it accepted when the run outlasts the confirmation wait, within that bound", async () => {
    const chat = uniqueChatId();
    await script("openclaw", chat, [{ runMs: 3000 }]);
    const started = Date.now();
    const result = await gateway({ confirmWaitMs: 300 }).deliver(due(chat), signal());
    expect(result).toMatchObject({ outcome: "sent", delivery: "accepted" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("does not wait at all with OPENCLAW_CONFIRM_WAIT_MS=0: admitted means accepted", async () => {
    const chat = uniqueChatId();
    expect(await gateway({ confirmWaitMs: 0 }).deliver(due(chat), signal())).toMatchObject({ delivery: "accepted" });
    expect(await received("openclaw", { to: chat })).toHaveLength(1);
  });

  it("retries a run whose delivery failed, after the gateway has forgotten it (5 minutes)", async () => {
    const chat = uniqueChatId();
    await script("openclaw", chat, [
      { completion: { status: "ok", delivered: false, deliveryAttempted: true, deliveryError: "delivery-failed" } },
    ]);
    const result = await gateway().deliver(due(chat), signal());
    expect(result).toMatchObject({ outcome: "transient", error: expect.stringContaining("delivery-failed") });
    expect((result as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(300);
  });

  it("fails a run whose reply the gateway suppressed: nothing reached the chat", async () => {
    const chat = uniqueChatId();
    await script("openclaw", chat, [
      {
        completion: { status: "ok", replyDisposition: "silent", delivered: false, deliverySuppressionReason: "silent" },
      },
    ]);
    expect(await gateway().deliver(due(chat), signal())).toMatchObject({
      outcome: "permanent",
      error: expect.stringContaining("silent"),
    });
  });

  const admissions: [number, "transient" | "permanent"][] = [
    [409, "transient"],
    [502, "transient"],
    [503, "transient"],
    [400, "permanent"],
    [413, "permanent"],
  ];
  for (const [status, outcome] of admissions) {
    it(`treats an admission refused with ${status} as ${outcome}, with the gateway's error text`, async () => {
      const chat = uniqueChatId();
      await script("openclaw", chat, [{ status, body: { ok: false, error: `refused ${status}` } }]);
      expect(await gateway().deliver(due(chat), signal())).toEqual({
        outcome,
        error: `HTTP ${status}: refused ${status}`,
      });
    });
  }

  it("fails on a wrong token (401, the gateway's plain-text answer)", async () => {
    const result = await gateway({ token: "wrong" }).deliver(due(uniqueChatId()), signal());
    expect(result).toEqual({ outcome: "permanent", error: "HTTP 401: Unauthorized" });
  });

  it("sends a sessionKey only when OPENCLAW_SESSION_KEY_PREFIX opts in; a default gateway refuses it", async () => {
    const prefix = { sessionKeyPrefix: "openclaw-sync:" };
    const reminder = due(uniqueChatId());
    expect(await gateway(prefix).deliver(reminder, signal())).toEqual({
      outcome: "permanent",
      error: `HTTP 400: ${GATEWAY_ERRORS.sessionKeyDisabled}`,
    });
    const optedIn = openclawChannel(
      gatewayConfig({ ...prefix, url: fakes.urls.openclawSessionKeys }),
      "telegram",
      undefined,
      config.providerTimeoutMs,
    );
    expect(await optedIn.deliver(reminder, signal())).toMatchObject({ outcome: "sent", delivery: "delivered" });
    const [call] = await received("openclawSessionKeys", { to: reminder.recipient! });
    expect(call!.body.sessionKey).toBe(`openclaw-sync:${reminder.id}`);
  });

  it("names OPENCLAW_AGENT_ID's agent, which the gateway must know", async () => {
    const chat = uniqueChatId();
    expect(await gateway({ agentId: "reminders" }).deliver(due(chat), signal())).toMatchObject({ outcome: "sent" });
    expect((await received("openclaw", { to: chat }))[0]!.body.agentId).toBe("reminders");
    expect(await gateway({ agentId: "nobody" }).deliver(due(uniqueChatId()), signal())).toMatchObject({
      outcome: "permanent",
      error: "HTTP 400: unknown agentId: nobody",
    });
  });

  it("without a recipient sends no destination at all (never half of one), and it stays accepted", async () => {
    const reminder = due(null);
    expect(await gateway().deliver(reminder, signal())).toMatchObject({ outcome: "sent", delivery: "accepted" });
    const [call] = await received("openclaw", { contains: reminder.task.title });
    expect(call!.body).not.toHaveProperty("channel");
    expect(call!.body).not.toHaveProperty("to");
  });

  it("uses the channel's default recipient as `to`", async () => {
    const phone = uniquePhone();
    const whatsapp = openclawChannel(gatewayConfig(), "whatsapp", phone, config.providerTimeoutMs);
    expect(await whatsapp.deliver({ ...due(null), channel: "whatsapp" }, signal())).toMatchObject({ outcome: "sent" });
    expect((await received("openclaw", { to: phone }))[0]!.body).toMatchObject({ channel: "whatsapp", to: phone });
  });
});

describe("the fake gateway keeps to the documented contract", () => {
  const post = (body: unknown, headers: Record<string, string> = {}, query = "") =>
    fetch(`${fakes.urls.openclaw}/hooks/agent${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fakes.tokens.openclaw}`, ...headers },
      body: JSON.stringify(body),
    });
  const message = () => `check ${crypto.randomUUID()}`;

  it("refuses a request sessionKey, a half destination, channel last and a token in the query with 400", async () => {
    for (const body of [
      { message: message(), sessionKey: "hook:x" },
      { message: message(), channel: "telegram" },
      { message: message(), to: "-100123" },
      { message: message(), channel: "last", to: "-100123" },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: expect.any(String) });
    }
    expect((await post({ message: message() }, {}, `?token=${fakes.tokens.openclaw}`)).status).toBe(400);
  });

  it("refuses a bad token with 401 and takes x-openclaw-token", async () => {
    expect((await post({ message: message() }, { authorization: "Bearer nope" })).status).toBe(401);
    const res = await post({ message: message() }, { authorization: "", "x-openclaw-token": fakes.tokens.openclaw });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, runId: expect.any(String) });
  });

  it("refuses, as the gateway does at startup, a prefix list that leaves out the generated hook: keys", () => {
    // "Hook session and agent policy": without hooks.defaultSessionKey, the allowlist must admit hook:.
    const opted: GatewayConfig = {
      token: "t",
      path: "/hooks",
      allowRequestSessionKey: true,
      allowedSessionKeyPrefixes: ["openclaw-sync:"],
      agents: ["main"],
    };
    expect(() => openclawGateway(opted)).toThrow(GATEWAY_ERRORS.generatedKeyPrefix);
    expect(() => openclawGateway({ ...opted, allowedSessionKeyPrefixes: ["hook:", "openclaw-sync:"] })).not.toThrow();
    expect(() => openclawGateway({ ...opted, defaultSessionKey: "openclaw-sync:default" })).not.toThrow();
    expect(() => openclawGateway({ ...opted, defaultSessionKey: "other:default" })).toThrow(
      GATEWAY_ERRORS.defaultKeyPrefix,
    );
  });

  it("replays a run for the same key and dispatch, and starts another when the dispatch changes", async () => {
    const key = { "idempotency-key": crypto.randomUUID() };
    const body = { message: message(), channel: "telegram", to: uniqueChatId() };
    const first = (await (await post(body, key)).json()) as { runId: string };
    const again = (await (await post({ ...body, waitForCompletion: true }, key)).json()) as any;
    expect(again).toMatchObject({ ok: true, runId: first.runId, completion: { status: "ok", delivered: true } });
    const changed = (await (await post({ ...body, message: message() }, key)).json()) as { runId: string };
    expect(changed.runId).not.toBe(first.runId);
  });
});
