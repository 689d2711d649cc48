import { describe, expect, it, vi } from "vitest";
import { call, database } from "../../test/helpers";
import {
  expireReplay,
  fakes,
  received,
  scan,
  scanConfig,
  script,
  seedReminders,
  seedTask,
  uniqueChatId,
} from "../../test/reminders";

/*
 * The scan through the OpenClaw gateway, against the fake built from openclaw/openclaw
 * docs/gateway/config-hooks.md: what each documented answer does to the stored reminder, and the
 * Idempotency-Key that makes retries replay-safe.
 */

const sql = database();
const T0 = new Date("2030-05-01T09:00:00Z");
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);

const viaGateway = (overrides: Record<string, string> = {}) =>
  scanConfig({ OPENCLAW_HOOKS_URL: fakes.urls.openclaw, OPENCLAW_HOOKS_TOKEN: fakes.tokens.openclaw, ...overrides });

const rowOf = async (id: string) =>
  (
    await sql`select status, sent, attempts, last_error, delivery_state, delivered_at, provider_message_id,
      next_attempt_at from reminders where id = ${id}`
  )[0]!;

/** The runs the gateway started for `chat` (replays and refusals left out), and the keys of every call. */
async function gatewaySaw(chat: string) {
  const calls = await received("openclaw", { to: chat });
  return {
    runs: calls.filter((c) => c.gateway!.runId && !c.gateway!.replay).map((c) => c.gateway!.runId),
    keys: [...new Set(calls.map((c) => c.gateway!.idempotencyKey))],
    calls,
  };
}

describe("reminders through the OpenClaw gateway", () => {
  it("a default gateway takes the run (200, no sessionKey) and its completion.delivered marks it delivered", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    const { report } = await scan({ taskIds: [task.id], clock: at(1), config: viaGateway() });
    expect(report).toMatchObject({ sent: 1, delivered: 1 });
    const { runs, calls } = await gatewaySaw(chat);
    expect(runs).toHaveLength(1);
    expect(calls[0]!.body).not.toHaveProperty("sessionKey");
    expect(await rowOf(reminder!.id)).toMatchObject({
      status: "sent",
      delivery_state: "delivered",
      delivered_at: at(1)(),
      provider_message_id: runs[0],
    });
    const ops = await sql`select op from changes where entity_id = ${reminder!.id} order by seq`;
    expect(ops.map((o) => o.op)).toEqual(["created", "delivered"]);
    // Nothing went to Telegram directly.
    expect(await received("telegram", { to: chat })).toHaveLength(0);
  });

  it("without delivery facts it stays accepted, and GET /reminders?delivery_state=accepted shows it", async () => {
    const task = await seedTask(sql);
    const [chatA, chatB] = [uniqueChatId(), uniqueChatId()];
    const [waiting] = await seedReminders(sql, task.id, "telegram", [chatA], T0);
    const [confirmed] = await seedReminders(sql, task.id, "telegram", [chatB], T0);
    await script("openclaw", chatA, [{ completion: { status: "ok", replyDisposition: "visible" } }]);
    expect((await scan({ taskIds: [task.id], clock: at(1), config: viaGateway() })).report).toMatchObject({
      sent: 2,
      delivered: 1,
    });
    expect(await rowOf(waiting!.id)).toMatchObject({ status: "sent", delivery_state: "accepted", delivered_at: null });
    const list = async (state: string) =>
      (await call("GET", `/reminders?task_id=${task.id}&delivery_state=${state}`)).body.items.map(
        (r: { id: string }) => r.id,
      );
    expect(await list("accepted")).toEqual([waiting!.id]);
    expect(await list("delivered")).toEqual([confirmed!.id]);
  });

  it("waits for a slow run's completion no longer than the scan's budget has left: accepted, and the run ends in time", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    // An agent turn of 5 s against a 15 s confirmation wait and a 1.5 s budget.
    await script("openclaw", chat, [{ runMs: 5000 }]);
    const config = viaGateway({ SCAN_BUDGET_MS: "1500", OPENCLAW_CONFIRM_WAIT_MS: "15000" });
    const { report } = await scan({ taskIds: [task.id], clock: at(1), config });
    expect(report).toMatchObject({ sent: 1, delivered: 0, released: 0 });
    expect(report.elapsedMs).toBeLessThan(2500);
    expect(await rowOf(reminder!.id)).toMatchObject({ status: "sent", delivery_state: "accepted", delivered_at: null });
    const { runs } = await gatewaySaw(chat);
    expect(runs).toHaveLength(1);
  });

  it("retries 409, 502 and 503 with the same Idempotency-Key, and delivers once admitted", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("openclaw", chat, [
      { status: 409, body: { ok: false, error: "session busy" } },
      { status: 502, body: { ok: false, error: "agent preparation failed" } },
      { status: 503, body: { ok: false, error: "gateway_unavailable" } },
    ]);
    const config = viaGateway();
    for (const [clock, error] of [
      [0, "HTTP 409: session busy"],
      [3600, "HTTP 502: agent preparation failed"],
      [7200, "HTTP 503: gateway_unavailable"],
    ] as const) {
      expect((await scan({ taskIds: [task.id], clock: at(clock), config })).report.retrying).toBe(1);
      expect(await rowOf(reminder!.id)).toMatchObject({ status: "scheduled", last_error: error });
    }
    expect((await scan({ taskIds: [task.id], clock: at(10_800), config })).report.delivered).toBe(1);
    const { runs, keys } = await gatewaySaw(chat);
    expect(runs).toHaveLength(1);
    expect(keys).toHaveLength(1);
    expect(await rowOf(reminder!.id)).toMatchObject({ attempts: 4, delivery_state: "delivered" });
  });

  it("fails a 400 with the gateway's error text, and a 401", async () => {
    const task = await seedTask(sql);
    const [chatA, chatB] = [uniqueChatId(), uniqueChatId()];
    const [refused] = await seedReminders(sql, task.id, "telegram", [chatA], T0);
    await script("openclaw", chatA, [{ status: 400, body: { ok: false, error: "unknown account" } }]);
    expect((await scan({ taskIds: [task.id], clock: at(0), config: viaGateway() })).report.failed).toBe(1);
    expect(await rowOf(refused!.id)).toMatchObject({ status: "failed", last_error: "HTTP 400: unknown account" });

    const other = await seedTask(sql);
    const [unauthorised] = await seedReminders(sql, other.id, "telegram", [chatB], T0);
    const config = viaGateway({ OPENCLAW_HOOKS_TOKEN: "wrong" });
    expect((await scan({ taskIds: [other.id], clock: at(0), config })).report.failed).toBe(1);
    expect(await rowOf(unauthorised!.id)).toMatchObject({ status: "failed", last_error: "HTTP 401: Unauthorized" });
  });

  it("retries a run whose delivery failed once the gateway forgot it: the same key then starts a new run", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("openclaw", chat, [
      { completion: { status: "ok", delivered: false, deliveryAttempted: true, deliveryError: "delivery-failed" } },
    ]);
    // The retry must repeat the dispatch exactly (no lateness line), or it would be a new run anyway.
    const config = viaGateway({ REMINDER_LATE_AFTER_S: "3600" });
    expect((await scan({ taskIds: [task.id], clock: at(0), config })).report.retrying).toBe(1);
    const row = await rowOf(reminder!.id);
    expect(row).toMatchObject({ status: "scheduled", sent: false, delivery_state: null, attempts: 1 });
    expect(row.last_error).toContain("delivery-failed");
    // Not before the gateway's 5-minute replay window has passed: until then the key replays the failure.
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(at(300)().getTime());

    const { keys } = await gatewaySaw(chat);
    await expireReplay("openclaw", keys[0]!);
    expect((await scan({ taskIds: [task.id], clock: () => row.next_attempt_at, config })).report.delivered).toBe(1);
    const after = await gatewaySaw(chat);
    expect(after.runs).toHaveLength(2);
    expect(after.keys).toEqual(keys);
  });

  it("uses a new Idempotency-Key for the next occurrence of a recurring reminder", async () => {
    const chat = uniqueChatId();
    const task = await call("POST", "/tasks", {
      title: `Daily check ${chat}`,
      due_time: "2030-05-01T09:30:00Z",
      rrule: "FREQ=DAILY",
    });
    await call("POST", "/reminders", {
      task_id: task.body.id,
      offset_minutes: -30,
      channel: "telegram",
      recipient: chat,
    });
    const config = viaGateway();
    await script("openclaw", chat, [{ status: 503, body: { ok: false, error: "gateway_unavailable" } }]);
    await scan({ taskIds: [task.body.id], clock: at(0), config });
    await scan({ taskIds: [task.body.id], clock: at(600), config });
    expect((await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" })).body.due_time).toBe(
      "2030-05-02T09:30:00.000Z",
    );
    await scan({ taskIds: [task.body.id], clock: at(86_400 + 1), config });

    const { calls, runs } = await gatewaySaw(chat);
    const admissions = calls.filter((c) => !c.gateway!.waitForCompletion).map((c) => c.gateway!.idempotencyKey);
    expect(admissions).toHaveLength(3);
    expect(admissions[0]).toBe(admissions[1]);
    expect(admissions[2]).not.toBe(admissions[0]);
    expect(runs).toHaveLength(2);
  });

  it("repeats a firing's message byte for byte on a retry past REMINDER_LATE_AFTER_S, so the gateway replays its one run; the next firing decides afresh", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    // The first attempt, 299 s after its time (REMINDER_LATE_AFTER_S = 300), stops waiting for an
    // admission the gateway then completes: our timeout is shorter than the gateway's 15 s.
    await script("openclaw", chat, [{ admitMs: 1000 }]);
    const config = viaGateway({ PROVIDER_TIMEOUT_MS: "200" });
    expect((await scan({ taskIds: [task.id], clock: at(299), config })).report.retrying).toBe(1);
    await vi.waitFor(async () => expect((await gatewaySaw(chat)).runs).toHaveLength(1), { timeout: 10_000 });
    const retryAt = (await rowOf(reminder!.id)).next_attempt_at;
    expect(retryAt.getTime()).toBeGreaterThan(at(300)().getTime());

    expect((await scan({ taskIds: [task.id], clock: () => retryAt, config })).report.delivered).toBe(1);
    const firing = await gatewaySaw(chat);
    // "The same key replays only for the same token, path, and resolved dispatch fields; changing
    // the message or routing can create a new run" (config-hooks.md, "Hook retries and fan-out").
    expect(firing.calls).toHaveLength(3);
    expect(new Set(firing.calls.map((c) => c.body.message)).size).toBe(1);
    expect(firing.calls[0]!.body.message).not.toContain("Late");
    expect(firing.runs).toHaveLength(1);
    expect(firing.keys).toHaveLength(1);

    // Each later firing decides afresh, at its own first attempt. Snoozed (to 10 minutes from now, by
    // the wall clock) and tried 10 s after that: on time, though the first firing's stamp is years away.
    const snoozed = await call("POST", `/reminders/${reminder!.id}/snooze`, { minutes: 10 });
    expect(snoozed.status).toBe(200);
    const soon = () => new Date(Date.parse(snoozed.body.remind_at) + 10_000);
    expect((await scan({ taskIds: [task.id], clock: soon, config })).report.delivered).toBe(1);
    // Moved to 12:00 on T0's day and first tried 400 s after: late, and it says so.
    const moved = await call("PATCH", `/reminders/${reminder!.id}`, { remind_at: "2030-05-01T12:00:00Z" });
    expect(moved.status).toBe(200);
    expect((await scan({ taskIds: [task.id], clock: at(3 * 3600 + 400), config })).report.delivered).toBe(1);
    const [afterSnooze, afterMove] = (await gatewaySaw(chat)).calls
      .slice(3)
      .filter((c) => !c.gateway!.waitForCompletion);
    expect(afterSnooze!.body.message).not.toContain("Late");
    expect(afterMove!.body.message).toContain("Late: it was set for 2030-05-01 12:00 UTC");
    expect(
      new Set([firing.keys[0], afterSnooze!.gateway!.idempotencyKey, afterMove!.gateway!.idempotencyKey]).size,
    ).toBe(3);
  });

  it("sends a sessionKey when OPENCLAW_SESSION_KEY_PREFIX opts in, to a gateway that allows it", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    const config = viaGateway({
      OPENCLAW_HOOKS_URL: fakes.urls.openclawSessionKeys,
      OPENCLAW_SESSION_KEY_PREFIX: "openclaw-sync:",
    });
    expect((await scan({ taskIds: [task.id], clock: at(0), config })).report.delivered).toBe(1);
    const [first] = await received("openclawSessionKeys", { to: chat });
    expect(first!.body.sessionKey).toBe(`openclaw-sync:${reminder!.id}`);
  });
});
