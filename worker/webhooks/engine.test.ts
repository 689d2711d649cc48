import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { call, database, testStore } from "../../test/helpers";
import { received, scan, scanConfig, script, seedReminders, seedTask } from "../../test/reminders";
import { cleanup, eventsAbout, eventually, subscribe, webhookSettings } from "../../test/webhooks";
import { createChannels } from "../reminders/channels";
import { webhookChannel } from "../reminders/channels/webhook";
import { runWebhookDeliveries } from "./engine";
import { deliverWebhooks } from "./run";

const sql = database();
afterAll(cleanup);

/** Makes a subscription due now (its backoff waited out) and runs the engine for it alone. */
async function runNow(id: string, settings = webhookSettings()) {
  await sql`update webhook_subscriptions set next_attempt_at = now() where id = ${id}`;
  return runWebhookDeliveries(testStore(), settings, { only: [id], budgetMs: 15_000 });
}

/**
 * Runs `write` (which makes a task) while the subscriptions are off, then starts them just before
 * that task's first change and turns them on: every other file writes to this database too, and
 * without this their events would come first and use up the replies a test scripted.
 */
async function heldOff(ids: string[], write: () => Promise<{ id: string }>) {
  await sql`update webhook_subscriptions set enabled = false where id in ${sql(ids)}`;
  const task = await write();
  await sql`update webhook_subscriptions set enabled = true, next_attempt_at = now(),
      cursor_seq = (select min(seq) - 1 from changes where entity_id = ${task.id})
    where id in ${sql(ids)}`;
  return task;
}

const newTask = async (title = `Webhook ${crypto.randomUUID()}`) => {
  const res = await call("POST", "/tasks", { title });
  expect(res.status).toBe(201);
  return res.body as { id: string; title: string };
};

describe("events from the change log", () => {
  it("a task's life arrives signed, in order, with the REST view as data, after each write by itself", async () => {
    const sub = await subscribe(["task.created", "task.updated", "task.completed", "task.deleted"]);
    const task = await newTask();
    expect((await call("PATCH", `/tasks/${task.id}`, { description: "more" })).status).toBe(200);
    const completed = await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
    expect(completed.status).toBe(200);
    expect((await call("DELETE", `/tasks/${task.id}`)).status).toBe(204);

    // No engine run by the test: each write's own nudge (and the cron's, in production) delivers.
    const got = await eventually(
      () => eventsAbout(sub.name, task.id),
      (calls) => calls.length >= 4,
    );
    expect(got.map((c) => c.body.type)).toEqual(["task.created", "task.updated", "task.completed", "task.deleted"]);
    const seqs = got.map((c) => c.body.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    for (const c of got) {
      expect(c.webhook!.verified).toEqual({ standard: true, openclaw: true });
      expect(c.body.id).toBe(c.webhook!.headers["webhook-id"]);
      expect(Object.keys(c.body).sort()).toEqual(["created_at", "data", "id", "seq", "type"]);
      expect(c.webhook!.headers["content-type"]).toBe("application/json");
    }
    expect(got[2]!.body.data).toMatchObject({ id: task.id, title: task.title, status: "completed" });
    expect(got[2]!.body.data.completed_at).toBe(completed.body.completed_at);
  });

  it("a person's life arrives as person.created, person.updated and person.deleted, with the REST view", async () => {
    const sub = await subscribe(["person.created", "person.updated", "person.deleted"]);
    const views: unknown[] = [];
    const person = await heldOff([sub.id], async () => {
      const created = await call("POST", "/people", { name: "Webhook person", whatsapp_number: "+4915100000001" });
      const updated = await call("PATCH", `/people/${created.body.id}`, { name: "Renamed person" });
      expect((await call("DELETE", `/people/${created.body.id}`)).status).toBe(204);
      views.push(created.body, updated.body, updated.body);
      return created.body as { id: string };
    });
    // Run again on each look: an attempt that timed out on a loaded machine waits for its backoff otherwise.
    const got = await eventually(
      async () => {
        await runNow(sub.id);
        return eventsAbout(sub.name, person.id);
      },
      (calls) => new Set(calls.map((c) => c.body.type)).size >= 3,
    );
    const types = [...new Set(got.map((c) => c.body.type))];
    expect(types).toEqual(["person.created", "person.updated", "person.deleted"]);
    expect([...new Map(got.map((c) => [c.body.type, c.body.data])).values()]).toEqual(views);
    for (const c of got) expect(c.webhook!.verified).toEqual({ standard: true, openclaw: true });
  });

  it("a change committed while a run holds the lease goes out in that run, though its own nudge found the lease held", async () => {
    const sub = await subscribe(["task.created"], { enabled: false });
    // The first event's receiver takes 1.5 s: the run holds the lease while the second task is made.
    await script("webhooks", sub.name, [{ status: 200, delayMs: 1_500 }]);
    const first = await heldOff([sub.id], newTask);
    // This run, or a nudge from another file's write that claimed the subscription first.
    const run = runWebhookDeliveries(testStore(), webhookSettings(), { only: [sub.id], budgetMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await newTask();
    await run;
    // Tests run no cron: whichever run held the lease has to go back for the second task itself.
    const got = await eventually(
      () => eventsAbout(sub.name, second.id),
      (calls) => calls.length > 0,
      3_000,
    );
    expect(got).toHaveLength(1);
    expect(await eventsAbout(sub.name, first.id)).toHaveLength(1);
  });

  it("a subscription to some events gets only those", async () => {
    const sub = await subscribe(["task.completed"]);
    const task = await newTask();
    await call("PATCH", `/tasks/${task.id}`, { status: "completed" });
    await runNow(sub.id);
    const got = await eventually(
      () => eventsAbout(sub.name, task.id),
      (calls) => calls.length >= 1,
    );
    expect(got.map((c) => c.body.type)).toEqual(["task.completed"]);
  });
});

describe("retries", () => {
  it("503 three times then 200: four attempts with the same webhook-id, and the cursor moves once", async () => {
    const sub = await subscribe(["task.created"], { enabled: false });
    await script("webhooks", sub.name, [{ status: 503 }, { status: 503 }, { status: 503 }]);
    const task = await heldOff([sub.id], newTask);
    const got = await eventually(
      async () => {
        await runNow(sub.id);
        return eventsAbout(sub.name, task.id);
      },
      (calls) => calls.length >= 4,
    );
    expect(got).toHaveLength(4);
    expect(new Set(got.map((c) => c.webhook!.headers["webhook-id"])).size).toBe(1);
    const log = await sql<{ outcome: string; response_status: number }[]>`
      select outcome, response_status from webhook_deliveries
      where subscription_id = ${sub.id} and event_id = ${got[0]!.body.id} order by created_at, id`;
    expect(log.map((l) => `${l.outcome} ${l.response_status}`)).toEqual([
      "failed 503",
      "failed 503",
      "failed 503",
      "succeeded 200",
    ]);
    const [state] = await sql`select failures, enabled, cursor_seq from webhook_subscriptions where id = ${sub.id}`;
    expect(state).toMatchObject({ failures: 0, enabled: true });
    expect(Number(state!.cursor_seq)).toBeGreaterThanOrEqual(got[0]!.body.seq);
  });

  it("backs off after a failure: the next run before the delay sends nothing", async () => {
    const sub = await subscribe(["task.created"], { enabled: false });
    await script("webhooks", sub.name, [{ status: 500 }]);
    const task = await heldOff([sub.id], newTask);
    await eventually(
      async () => {
        await runWebhookDeliveries(testStore(), webhookSettings(), { only: [sub.id] });
        return eventsAbout(sub.name, task.id);
      },
      (calls) => calls.length >= 1,
    );
    const [state] = await sql`select failures, next_attempt_at from webhook_subscriptions where id = ${sub.id}`;
    expect(state!.failures).toBe(1);
    // The first retry waits 30 s (±20 %), README: Webhooks.
    const wait = (new Date(state!.next_attempt_at).getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(15);
    expect(wait).toBeLessThanOrEqual(36);
    await runWebhookDeliveries(testStore(), webhookSettings(), { only: [sub.id] });
    expect(await eventsAbout(sub.name, task.id)).toHaveLength(1);
  });

  it("a run that holds the lease blocks others; once it lapses, the event goes out", async () => {
    const sub = await subscribe(["task.created"]);
    // As if a run had claimed the subscription and died mid-call.
    await sql`update webhook_subscriptions set lease_until = now() + interval '1 hour', lease_token = gen_random_uuid()
      where id = ${sub.id}`;
    const task = await newTask();
    const blocked = await runWebhookDeliveries(testStore(), webhookSettings(), { only: [sub.id] });
    expect(blocked.subscriptions).toBe(0);
    expect(await eventsAbout(sub.name, task.id)).toHaveLength(0);
    await sql`update webhook_subscriptions set lease_until = now() - interval '1 second' where id = ${sub.id}`;
    const got = await eventually(
      async () => {
        await runNow(sub.id);
        return eventsAbout(sub.name, task.id);
      },
      (calls) => calls.length >= 1,
    );
    expect(got.map((c) => c.body.type)).toEqual(["task.created"]);
  });

  it("a receiver that always fails is disabled after the maximum, and says why", async () => {
    const sub = await subscribe(["task.created"], { enabled: false });
    await script("webhooks", sub.name, Array(10).fill({ status: 500 }));
    await heldOff([sub.id], newTask);
    const settings = { ...webhookSettings(), maxFailures: 3 };
    let disabledNow: { id: string; reason: string }[] = [];
    for (let i = 0; i < 10 && disabledNow.length === 0; i++) disabledNow = (await runNow(sub.id, settings)).disabledNow;
    expect(disabledNow).toEqual([{ id: sub.id, url: sub.url, reason: "3 consecutive failed attempts" }]);
    const got = await call("GET", `/webhooks/${sub.id}`);
    expect(got.body).toMatchObject({ enabled: false, disabled_reason: "3 consecutive failed attempts" });
    // Disabled: a run sends nothing more.
    const before = (await received("webhooks", { to: sub.name })).length;
    expect((await runNow(sub.id, settings)).subscriptions).toBe(0);
    expect(await received("webhooks", { to: sub.name })).toHaveLength(before);
  });

  it("410 Gone disables at once", async () => {
    const sub = await subscribe(["task.created"], { enabled: false });
    await script("webhooks", sub.name, [{ status: 410 }]);
    await heldOff([sub.id], newTask);
    const got = await eventually(
      async () => {
        await runNow(sub.id);
        return (await call("GET", `/webhooks/${sub.id}`)).body;
      },
      (body) => body.enabled === false,
    );
    expect(got.disabled_reason).toBe("the receiver answered 410 Gone");
  });

  /** Two fresh subscriptions, held off from any nudge while the task is written, then run together. */
  async function runTwo(events: string[], slowReply: object, settings = webhookSettings()) {
    const slow = await subscribe(events, { enabled: false });
    const fast = await subscribe(events, { enabled: false });
    await script("webhooks", slow.name, [slowReply]);
    const both = [slow.id, fast.id];
    const task = await heldOff(both, newTask);
    type Log = { subscription_id: string; outcome: string; error: string | null; created_at: Date };
    // Whichever run claims them (this one, or a nudge from another file's write), both get walked.
    const log = await eventually(
      async () => {
        await runWebhookDeliveries(testStore(), settings, { only: both });
        return sql<Log[]>`
          select subscription_id, outcome, error, created_at from webhook_deliveries
          where subscription_id in ${sql(both)} and payload::jsonb -> 'data' ->> 'id' = ${task.id}`;
      },
      (rows) => rows.length >= 2,
    );
    return {
      task,
      slow: { ...slow, log: log.find((l) => l.subscription_id === slow.id) },
      fast: { ...fast, log: log.find((l) => l.subscription_id === fast.id) },
    };
  }

  it("a slow receiver (5 s) never holds back another subscription's events", async () => {
    const { task, slow, fast } = await runTwo(["task.created"], { status: 200, delayMs: 5_000 });
    expect(fast.log).toMatchObject({ outcome: "succeeded" });
    expect(slow.log).toMatchObject({ outcome: "succeeded" });
    // The fast one's attempt was logged as soon as it answered, not after the slow one.
    const gap = slow.log!.created_at.getTime() - fast.log!.created_at.getTime();
    expect(gap).toBeGreaterThan(4_000);
    expect(await eventsAbout(fast.name, task.id)).toHaveLength(1);
  });

  it("a receiver slower than the timeout is a failed attempt, retried later", async () => {
    // Slower than any run's timeout (this one's 1 s, a nudge's default 10 s), whichever claims it.
    const { slow, fast } = await runTwo(
      ["task.created"],
      { status: 200, delayMs: 12_000 },
      {
        ...webhookSettings(),
        timeoutMs: 1_000,
      },
    );
    expect(fast.log).toMatchObject({ outcome: "succeeded" });
    expect(slow.log).toMatchObject({ outcome: "failed" });
    expect(slow.log!.error).toMatch(/^no answer within \d+ ms$/);
  });

  it("a redirect (to a private address, say) is a failure and is never followed", async () => {
    const { slow } = await runTwo(["task.created"], { status: 302, headers: { location: "http://10.0.0.1/" } });
    expect(slow.log).toMatchObject({ outcome: "failed", error: "redirects are not followed" });
  });
});

describe("reminder.due: a reminder delivered by webhook, no LLM in the loop", () => {
  const T0 = new Date("2030-05-01T09:00:00Z");

  it("goes to the subscription it names, signed; the reminder becomes accepted", async () => {
    const sub = await subscribe(["reminder.due"]);
    const task = await seedTask(sql, { timezone: "Europe/Berlin" });
    const [reminder] = await seedReminders(sql, task.id, "webhook", [sub.id], T0);
    const store = testStore();
    const config = scanConfig();
    const { report } = await scan({
      taskIds: [task.id],
      clock: () => new Date(T0.getTime() + 1_000),
      channels: createChannels(config, undefined, webhookChannel(store, webhookSettings())),
    });
    expect(report).toMatchObject({ claimed: 1, sent: 1 });
    const [got] = await eventsAbout(sub.name, task.id);
    expect(got!.webhook!.verified).toEqual({ standard: true, openclaw: true });
    expect(got!.body).toMatchObject({
      type: "reminder.due",
      seq: null,
      data: { id: reminder!.id, task_id: task.id, channel: "webhook", task: { id: task.id, title: task.title } },
    });
    const [row] = await sql`select status, delivery_state from reminders where id = ${reminder!.id}`;
    // A receiver took it; nothing says a person saw it (README: delivery states).
    expect(row).toMatchObject({ status: "sent", delivery_state: "accepted" });
  });

  it("waits, never dropped, while no subscription listens", async () => {
    const task = await seedTask(sql);
    const [reminder] = await seedReminders(sql, task.id, "webhook", [crypto.randomUUID()], T0);
    const config = scanConfig();
    await scan({
      taskIds: [task.id],
      clock: () => new Date(T0.getTime() + 1_000),
      channels: createChannels(config, undefined, webhookChannel(testStore(), webhookSettings())),
    });
    const [row] = await sql`select status, last_error from reminders where id = ${reminder!.id}`;
    expect(row!.status).toBe("scheduled");
    expect(row!.last_error).toContain("no enabled webhook subscription");
  });
});

describe("the run wrapper", () => {
  it("deliverWebhooks runs in its own unit of work and reports", async () => {
    const sub = await subscribe(["task.created"]);
    const task = await newTask();
    await sql`update webhook_subscriptions set next_attempt_at = now() where id = ${sub.id}`;
    const report = await deliverWebhooks(env, { only: [sub.id] });
    expect(report).toBeDefined();
    await eventually(
      () => eventsAbout(sub.name, task.id),
      (calls) => calls.length >= 1,
    );
  });
});
