import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, database, testStore } from "../../test/helpers";
import {
  fakes,
  received,
  scan,
  scanConfig,
  script,
  seedReminders,
  seedTask,
  uniqueChatId,
  uniquePhone,
} from "../../test/reminders";
import { createDatabase } from "../db/client";
import { claimDueReminders } from "./claim";
import { recordOutcomes } from "./record";

const sql = database();

/** The scans here run on their own clock: reminders are due at T0, and tests move the clock past it. */
const T0 = new Date("2030-01-01T09:00:00Z");
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);

const reminderRow = async (id: string) => {
  const [row] = await sql`
    select status, sent, sent_at, delivery_state, delivered_at, provider_message_id, attempts, next_attempt_at,
      last_error, lease_until, lease_token, version
    from reminders where id = ${id}`;
  return row!;
};

const changesOf = (id: string) => sql`select op, data from changes where entity_id = ${id} order by seq`;

const telegramError = (status: number, description: string, parameters?: object) => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

describe("delivering a due reminder", () => {
  it("sends it once to its recipient with the task's text, and records it delivered (Telegram returned the message)", async () => {
    const task = await seedTask(sql, {
      description: "Check and merge pending PRs",
      due_time: new Date("2030-01-01T10:00:00Z"),
    });
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);

    const { report, txids } = await scan({ taskIds: [task.id], clock: at(5) });

    expect(report).toMatchObject({ claimed: 1, sent: 1, retrying: 0, failed: 0, stoppedBy: "nothing due" });
    const calls = await received("telegram", { to: chat });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({
      chat_id: chat,
      text: `⏰ Reminder: ${task.title}\nDue 2030-01-01 10:00 UTC\n\nCheck and merge pending PRs`,
    });

    const row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({
      status: "sent",
      sent: true,
      delivery_state: "delivered",
      provider_message_id: expect.stringMatching(/^\d+$/),
      attempts: 1,
      last_error: null,
      lease_until: null,
      lease_token: null,
      version: 2,
    });
    expect(row.sent_at).toEqual(at(5)());
    expect(row.delivered_at).toEqual(at(5)());

    const changes = await sql`select op, data, txid::text from changes where entity_id = ${reminder!.id} order by seq`;
    expect(changes.map((c) => c.op)).toEqual(["created", "delivered"]);
    expect(changes[1]!.data).toMatchObject({ status: "sent", sent: true, delivery_state: "delivered", attempts: 1 });
    expect(changes[1]!.data).not.toHaveProperty("lease_token");
    // The claim stamped the firing's first attempt: bookkeeping, neither a change nor in one.
    expect(changes[1]!.data).not.toHaveProperty("first_attempt_at");
    expect(txids).toEqual([changes[1]!.txid]);

    // Nothing is due any more: a later scan sends nothing.
    expect((await scan({ taskIds: [task.id], clock: at(60) })).report.claimed).toBe(0);
    expect(await received("telegram", { to: chat })).toHaveLength(1);
  });

  it("leaves a reminder that is not yet due alone", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], at(60)());
    expect((await scan({ taskIds: [task.id], clock: at(59) })).report.claimed).toBe(0);
    expect((await reminderRow(reminder!.id)).status).toBe("scheduled");
    expect((await scan({ taskIds: [task.id], clock: at(60) })).report.sent).toBe(1);
  });

  it("uses the channel's default recipient when the reminder names none; WhatsApp's 200 is accepted only", async () => {
    const task = await seedTask(sql);
    const phone = uniquePhone();
    const [reminder] = await seedReminders(sql, task.id, "whatsapp", [null], T0);
    const { report } = await scan({
      taskIds: [task.id],
      clock: at(1),
      config: scanConfig({ WHATSAPP_DEFAULT_TO: phone, WHATSAPP_TEMPLATE_NAME: "", WHATSAPP_TEMPLATE_LANGUAGE: "" }),
    });
    expect(report.sent).toBe(1);
    const calls = await received("whatsapp", { to: phone.slice(1) });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.authorization).toBe(`Bearer ${fakes.tokens.whatsapp}`);
    expect(calls[0]!.body).toMatchObject({ messaging_product: "whatsapp", type: "text" });
    expect(calls[0]!.body.text.body).toContain(task.title);
    const row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({
      status: "sent",
      sent: true,
      delivery_state: "accepted",
      delivered_at: null,
      provider_message_id: expect.stringMatching(/^wamid\./),
    });
    // Taken, not known to be delivered: an update in the change log, not a delivery.
    expect((await changesOf(reminder!.id)).map((c) => c.op)).toEqual(["created", "updated"]);
  });
});

describe("overlapping scans", () => {
  it("two scans started at the same moment over 1,000 due reminders deliver each exactly once", async () => {
    const task = await seedTask(sql);
    const prefix = uniqueChatId();
    const recipients = Array.from({ length: 1000 }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
    await seedReminders(sql, task.id, "telegram", recipients, T0);
    const config = scanConfig({ SCAN_BATCH_SIZE: "25" });

    const [a, b] = await Promise.all([
      scan({ taskIds: [task.id], clock: at(1), config }),
      scan({ taskIds: [task.id], clock: at(1), config }),
    ]);

    const calls = await received("telegram", { prefix });
    expect(calls).toHaveLength(1000);
    expect(new Set(calls.map((c) => c.to)).size).toBe(1000);
    expect(a.report.sent + b.report.sent).toBe(1000);
    // Both did real work: the claims interleaved rather than one scan finding nothing.
    expect(a.report.sent).toBeGreaterThan(0);
    expect(b.report.sent).toBeGreaterThan(0);
    const [counts] = await sql`
      select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where attempts = 1)::int as once
      from reminders where task_id = ${task.id}`;
    expect(counts).toEqual({ sent: 1000, once: 1000 });
  });

  it("concurrent claims never share a reminder", async () => {
    const task = await seedTask(sql);
    await seedReminders(
      sql,
      task.id,
      "ui",
      Array.from({ length: 300 }, () => null),
      T0,
    );
    const claim = () =>
      claimDueReminders(createDatabase(env.HYPERDRIVE.connectionString).db, {
        dueBy: T0,
        now: at(1)(),
        limit: 120,
        leaseSeconds: 60,
        taskIds: [task.id],
      });
    const batches = await Promise.all([claim(), claim(), claim(), claim()]);
    const ids = batches.flatMap((b) => b.reminders.map((r) => r.id));
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });
});

describe("failures", () => {
  it("retries after provider 500s with backoff and delivers on the third scan: attempts = 3", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    const oops = telegramError(500, "Internal Server Error");
    await script("telegram", chat, [oops, oops]);

    expect((await scan({ taskIds: [task.id], clock: at(0) })).report.retrying).toBe(1);
    let row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({
      status: "scheduled",
      sent: false,
      attempts: 1,
      last_error: "HTTP 500: Internal Server Error",
    });
    // First retry: between half and all of SCAN_RETRY_BASE_S (30 s).
    expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(at(15)().getTime());
    expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(at(30)().getTime());

    expect((await scan({ taskIds: [task.id], clock: at(14) })).report.claimed).toBe(0);
    expect((await scan({ taskIds: [task.id], clock: at(30) })).report.retrying).toBe(1);
    row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({ attempts: 2, sent: false });
    // Second retry: 30 to 60 s after the second attempt.
    expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(at(60)().getTime());
    expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(at(90)().getTime());

    expect((await scan({ taskIds: [task.id], clock: at(90) })).report.sent).toBe(1);
    expect(await reminderRow(reminder!.id)).toMatchObject({
      status: "sent",
      sent: true,
      attempts: 3,
      last_error: null,
    });
    expect(await received("telegram", { to: chat })).toHaveLength(3);
    const ops = (await changesOf(reminder!.id)).map((c) => c.op);
    expect(ops).toEqual(["created", "updated", "updated", "delivered"]);
  });

  it("honours Telegram's retry_after: no retry before it, delivery right after", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("telegram", chat, [telegramError(429, "Too Many Requests: retry after 120", { retry_after: 120 })]);

    await scan({ taskIds: [task.id], clock: at(0) });
    const row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({ attempts: 1, sent: false, last_error: "HTTP 429: Too Many Requests: retry after 120" });
    expect(row.next_attempt_at).toEqual(at(120)());

    expect((await scan({ taskIds: [task.id], clock: at(119) })).report.claimed).toBe(0);
    expect(await received("telegram", { to: chat })).toHaveLength(1);
    expect((await scan({ taskIds: [task.id], clock: at(120) })).report.sent).toBe(1);
    expect(await received("telegram", { to: chat })).toHaveLength(2);
  });

  it("fails a 400 at once, keeps the provider's message, and gives the room a notice", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("telegram", chat, [telegramError(400, "Bad Request: chat not found")]);

    const { report, notices } = await scan({ taskIds: [task.id], clock: at(0) });
    expect(report.failed).toBe(1);
    expect(notices).toEqual([
      {
        type: "reminder.failed",
        reminder: expect.objectContaining({ id: reminder!.id, status: "failed", last_error: expect.any(String) }),
        task: expect.objectContaining({ id: task.id, title: task.title }),
      },
    ]);
    expect(await reminderRow(reminder!.id)).toMatchObject({
      status: "failed",
      sent: false,
      sent_at: null,
      attempts: 1,
      last_error: "HTTP 400: Bad Request: chat not found",
      lease_token: null,
    });
    const changes = await changesOf(reminder!.id);
    expect(changes.at(-1)).toMatchObject({ op: "updated", data: { status: "failed", sent: false } });
    expect((await scan({ taskIds: [task.id], clock: at(86_400) })).report.claimed).toBe(0);
    expect(await received("telegram", { to: chat })).toHaveLength(1);
  });

  it("marks a reminder failed after SCAN_MAX_ATTEMPTS transient failures, never sent", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("telegram", chat, [
      { status: 502, body: "<html>Bad Gateway</html>" },
      { drop: true, status: 0 },
    ]);
    const config = scanConfig({ SCAN_MAX_ATTEMPTS: "2" });

    await scan({ taskIds: [task.id], clock: at(0), config });
    expect(await reminderRow(reminder!.id)).toMatchObject({
      status: "scheduled",
      last_error: "HTTP 502: <html>Bad Gateway</html>",
    });
    expect((await scan({ taskIds: [task.id], clock: at(3600), config })).report.failed).toBe(1);
    const row = await reminderRow(reminder!.id);
    expect(row).toMatchObject({ status: "failed", sent: false, attempts: 2 });
    expect(row.last_error).toMatch(/^network error: .*\(gave up after 2 attempts\)$/);
  });

  it("keeps a reminder whose channel is not configured, without counting an attempt, and checks again later", async () => {
    const task = await seedTask(sql);
    const [ui] = await seedReminders(sql, task.id, "ui", [null], T0);
    const [telegram] = await seedReminders(sql, task.id, "telegram", [uniqueChatId()], T0);
    const config = scanConfig({ TELEGRAM_BOT_TOKEN: "" });

    const { report } = await scan({ taskIds: [task.id], clock: at(0), config });
    expect(report).toMatchObject({ claimed: 2, waiting: 2, sent: 0, failed: 0 });
    for (const id of [ui!.id, telegram!.id]) {
      const row = await reminderRow(id);
      expect(row).toMatchObject({ status: "scheduled", sent: false, attempts: 0, lease_token: null });
      expect(row.last_error).toMatch(/^channel not configured: /);
      expect(row.next_attempt_at).toEqual(at(300)());
    }
    expect((await reminderRow(telegram!.id)).last_error).toContain("TELEGRAM_BOT_TOKEN");

    // Once the token is set, the reminder goes out at the next look.
    expect((await scan({ taskIds: [task.id], clock: at(300) })).report.sent).toBe(1);
    expect((await reminderRow(telegram!.id)).status).toBe("sent");
  });
});

describe("leases", () => {
  it("a scan that dies after claiming leaves its batch to the next scan once the lease expires", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    const { db } = createDatabase(env.HYPERDRIVE.connectionString);
    // The dying scan: it claims, then never delivers nor records anything.
    const dead = await claimDueReminders(db, {
      dueBy: at(0)(),
      now: at(0)(),
      limit: 10,
      leaseSeconds: 120,
      taskIds: [task.id],
    });
    expect(dead.reminders.map((r) => r.id)).toEqual([reminder!.id]);
    // The claim itself is no change a client needs to see.
    expect((await changesOf(reminder!.id)).map((c) => c.op)).toEqual(["created"]);

    expect((await scan({ taskIds: [task.id], clock: at(60) })).report.claimed).toBe(0);
    expect((await scan({ taskIds: [task.id], clock: at(121) })).report.sent).toBe(1);
    expect(await received("telegram", { to: chat })).toHaveLength(1);

    // Should the dead scan wake up late, its outcome no longer applies.
    const late = await recordOutcomes(testStore(), dead.token, [
      { id: reminder!.id, kind: "failed", at: at(200)(), error: "late" },
    ]);
    expect(late).toEqual({ written: [], dropped: [reminder!.id] });
    expect((await reminderRow(reminder!.id)).status).toBe("sent");
  });

  it("drops the outcome of a reminder snoozed while its delivery was in flight", async () => {
    const task = await seedTask(sql);
    const chat = uniqueChatId();
    const [reminder] = await seedReminders(sql, task.id, "telegram", [chat], T0);
    await script("telegram", chat, [{ status: 200, delayMs: 1500 }]);

    const scanning = scan({ taskIds: [task.id], clock: at(0) });
    while ((await received("telegram", { to: chat })).length === 0) await new Promise((r) => setTimeout(r, 20));
    const snoozed = await call("PATCH", `/reminders/${reminder!.id}`, { remind_at: "2030-01-01T10:00:00Z" });
    expect(snoozed.status).toBe(200);

    const { report } = await scanning;
    expect(report).toMatchObject({ claimed: 1, sent: 0, dropped: 1 });
    expect(await reminderRow(reminder!.id)).toMatchObject({ status: "scheduled", sent: false, attempts: 0 });
  });
});

describe("the time budget", () => {
  it("starts no delivery that could outrun the budget, releases the rest untried, and ends in time", async () => {
    const task = await seedTask(sql);
    const prefix = uniqueChatId();
    const recipients = Array.from({ length: 8 }, (_, i) => `${prefix}${i}`);
    const seeded = await seedReminders(sql, task.id, "telegram", recipients, T0);
    for (const to of recipients) await script("telegram", to, [{ status: 200, delayMs: 300 }]);
    const config = scanConfig({ SCAN_BUDGET_MS: "1000", PROVIDER_TIMEOUT_MS: "400", SCAN_CONCURRENCY: "1" });

    const { report } = await scan({ taskIds: [task.id], clock: at(0), config });
    expect(report.stoppedBy).toBe("budget");
    // Eight 300 ms calls one at a time would take 2.4 s; the run stops taking them when the budget says so.
    expect(report.elapsedMs).toBeLessThan(2000);
    expect(report.sent).toBeGreaterThanOrEqual(1);
    expect(report.released).toBeGreaterThanOrEqual(1);
    expect(report.sent + report.released).toBe(8);
    const released = await sql`
      select count(*)::int as n from reminders
      where task_id = ${task.id} and status = 'scheduled' and attempts = 0 and lease_token is null and version = 1`;
    expect(released[0]!.n).toBe(report.released);

    // The next run picks up where this one stopped.
    expect((await scan({ taskIds: [task.id], clock: at(60) })).report.sent).toBe(report.released);
    expect(await received("telegram", { prefix })).toHaveLength(8);
    expect(seeded).toHaveLength(8);
  });
});
