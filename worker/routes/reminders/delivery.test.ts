import { describe, expect, it } from "vitest";
import { call, database, expectProblem } from "../../../test/helpers";

const sql = database();

async function newTask() {
  return (await call("POST", "/tasks", { title: "task with delivery state" })).body.id as string;
}

describe("recipients", () => {
  const valid: [string, string][] = [
    ["telegram", "123456789"],
    ["telegram", "-1001234567890"],
    ["telegram", "@my_channel"],
    ["whatsapp", "+14155550123"],
    ["whatsapp", "+4915123456789"],
    ["ui", "anything"],
  ];
  for (const [channel, recipient] of valid) {
    it(`accepts ${recipient} for ${channel}`, async () => {
      const res = await call("POST", "/reminders", {
        task_id: await newTask(),
        remind_at: "2026-03-01T09:30:00Z",
        channel,
        recipient,
      });
      expect(res.status).toBe(201);
      expect(res.body.recipient).toBe(recipient);
    });
  }

  const invalid: [string, string][] = [
    ["telegram", "+14155550123"],
    ["telegram", "12ab"],
    ["telegram", "@abc"],
    ["telegram", "--5"],
    ["whatsapp", "14155550123"],
    ["whatsapp", "+1415"],
    ["whatsapp", "+1234567890123456"],
    ["whatsapp", "+0123456789"],
    ["whatsapp", "@channel"],
  ];
  for (const [channel, recipient] of invalid) {
    it(`refuses ${recipient} for ${channel} with 422 naming recipient`, async () => {
      const problem = expectProblem(
        await call("POST", "/reminders", {
          task_id: await newTask(),
          remind_at: "2026-03-01T09:30:00Z",
          channel,
          recipient,
        }),
        422,
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: "recipient", location: "body" })]);
    });
  }

  it("checks a PATCH against the stored channel or recipient when it sends only one of them", async () => {
    const task_id = await newTask();
    const { body } = await call("POST", "/reminders", {
      task_id,
      remind_at: "2026-03-01T09:30:00Z",
      channel: "telegram",
      recipient: "-100123",
    });
    const path = `/reminders/${body.id}`;
    expect(expectProblem(await call("PATCH", path, { recipient: "+14155550123" }), 422).errors?.[0]?.path).toBe(
      "recipient",
    );
    expect(expectProblem(await call("PATCH", path, { channel: "whatsapp" }), 422).errors?.[0]?.path).toBe("recipient");
    expectProblem(await call("PATCH", path, { channel: "whatsapp", recipient: "@channel" }), 422);

    expect((await call("PATCH", path, { channel: "whatsapp", recipient: "+14155550123" })).body).toMatchObject({
      channel: "whatsapp",
      recipient: "+14155550123",
    });
    expect((await call("PATCH", path, { recipient: null })).body.recipient).toBeNull();
    expect((await call("PATCH", path, { channel: "telegram" })).body.channel).toBe("telegram");
    const [row] = await sql`select channel, recipient from reminders where id = ${body.id}`;
    expect(row).toEqual({ channel: "telegram", recipient: null });
  });
});

describe("GET /reminders?status=", () => {
  it("tells scheduled, due, sent, failed, skipped and missed reminders apart, and agrees with sent=", async () => {
    const task_id = await newTask();
    const make = async () =>
      (await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "telegram" })).body
        .id as string;
    const [due, later, retrying, sent, failed, skipped, missed, delivered] = [
      await make(),
      await make(),
      await make(),
      await make(),
      await make(),
      await make(),
      await make(),
      await make(),
    ];
    await sql`update reminders set next_attempt_at = now() + interval '1 day' where id = ${later!}`;
    await sql`update reminders set attempts = 2, last_error = 'HTTP 500', next_attempt_at = now() + interval '5 minutes'
              where id = ${retrying!}`;
    await sql`update reminders set status = 'sent', sent_at = now(), attempts = 1, delivery_state = 'accepted'
              where id = ${sent!}`;
    await sql`update reminders set status = 'sent', sent_at = now(), attempts = 1, delivery_state = 'delivered',
              delivered_at = now() where id = ${delivered!}`;
    await sql`update reminders set status = 'failed', attempts = 1, last_error = 'Bad Request: chat not found'
              where id = ${failed!}`;
    await sql`update reminders set status = 'skipped', last_error = 'task completed' where id = ${skipped!}`;
    await sql`update reminders set status = 'missed', last_error = 'missed: …' where id = ${missed!}`;

    const list = async (q: string) =>
      (await call("GET", `/reminders?task_id=${task_id}&${q}`)).body.items.map((r: { id: string }) => r.id).sort();
    expect(await list("status=due")).toEqual([due]);
    expect(await list("status=scheduled")).toEqual([due, later, retrying].sort());
    expect(await list("status=sent")).toEqual([sent, delivered].sort());
    expect(await list("status=failed")).toEqual([failed]);
    expect(await list("status=skipped")).toEqual([skipped]);
    expect(await list("status=missed")).toEqual([missed]);
    expect(await list("sent=true")).toEqual([sent, delivered].sort());
    expect(await list("sent=false")).toEqual([due, later, retrying, failed, skipped, missed].sort());
    expect(await list("delivery_state=accepted")).toEqual([sent]);
    expect(await list("delivery_state=delivered")).toEqual([delivered]);
    expect(await list("delivery_state=delivered&status=sent")).toEqual([delivered]);

    const { body } = await call("GET", `/reminders?task_id=${task_id}&status=failed`);
    expect(body.items[0]).toMatchObject({ status: "failed", sent: false, attempts: 1, last_error: expect.any(String) });
    expect(body.items[0]).not.toHaveProperty("lease_token");
    expect(body.items[0]).not.toHaveProperty("first_attempt_at");
  });

  it("rejects an unknown status or delivery state with 422", async () => {
    expect(expectProblem(await call("GET", "/reminders?status=delivered"), 422).errors?.[0]?.path).toBe("status");
    expect(expectProblem(await call("GET", "/reminders?delivery_state=sent"), 422).errors?.[0]?.path).toBe(
      "delivery_state",
    );
  });

  it("keeps delivery state honest in the database too: no delivery state without sent, no delivered_at without delivered", async () => {
    const id = (
      await call("POST", "/reminders", {
        task_id: await newTask(),
        remind_at: "2026-03-01T09:30:00Z",
        channel: "telegram",
      })
    ).body.id as string;
    const refused = (query: Promise<unknown>) => expect(query).rejects.toMatchObject({ code: "23514" });
    await refused(sql`update reminders set status = 'sent' where id = ${id}`);
    await refused(sql`update reminders set delivery_state = 'accepted' where id = ${id}`);
    await refused(sql`update reminders set status = 'sent', delivery_state = 'delivered' where id = ${id}`);
    await refused(
      sql`update reminders set status = 'sent', delivery_state = 'accepted', delivered_at = now() where id = ${id}`,
    );
  });

  it("shows a new reminder with no delivery state yet", async () => {
    const { body } = await call("POST", "/reminders", {
      task_id: await newTask(),
      remind_at: "2026-03-01T09:30:00Z",
      channel: "telegram",
    });
    expect(body).toMatchObject({
      status: "scheduled",
      delivery_state: null,
      delivered_at: null,
      provider_message_id: null,
    });
  });
});
