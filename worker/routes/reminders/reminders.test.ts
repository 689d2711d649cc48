import { describe, expect, it } from "vitest";
import { call, database, expectProblem, uniqueWindow } from "../../../test/helpers";

const sql = database();

async function newTask() {
  return (await call("POST", "/tasks", { title: "task with reminders", source: "telegram" })).body.id as string;
}

describe("POST /reminders", () => {
  it("creates the seed's reminder: 201, Location, unsent", async () => {
    const task_id = await newTask();
    const res = await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "telegram" });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/reminders/${res.body.id}`);
    expect(res.body).toMatchObject({
      task_id,
      remind_at: "2026-03-01T09:30:00.000Z",
      channel: "telegram",
      sent: false,
      version: 1,
    });
    const [row] = await sql`select task_id, sent from reminders where id = ${res.body.id}`;
    expect(row).toEqual({ task_id, sent: false });
  });

  it("answers 422 naming task_id when the task does not exist", async () => {
    const problem = expectProblem(
      await call("POST", "/reminders", {
        task_id: crypto.randomUUID(),
        remind_at: "2026-03-01T09:30:00Z",
        channel: "ui",
      }),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("task_id");
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["a non-UUID task_id", { task_id: "abc" }, "task_id"],
    ["an unknown channel", { channel: "email" }, "channel"],
    ["a remind_at without an offset", { remind_at: "2026-03-01 09:30" }, "remind_at"],
    ["a missing remind_at", { remind_at: undefined }, "remind_at"],
    ["a client-set sent flag", { sent: true }, "sent"],
  ];
  for (const [what, patch, field] of invalid) {
    it(`rejects ${what} with 422`, async () => {
      const body = { task_id: crypto.randomUUID(), remind_at: "2026-03-01T09:30:00Z", channel: "ui", ...patch };
      expect(expectProblem(await call("POST", "/reminders", body), 422).errors?.map((e) => e.path)).toContain(field);
    });
  }
});

describe("GET /reminders", () => {
  it("filters by task, channel, sent and due_before, and pages", async () => {
    const task_id = await newTask();
    const other = await newTask();
    const w = uniqueWindow();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", "/reminders", {
        task_id,
        remind_at: w.at(i),
        channel: i < 3 ? "telegram" : "whatsapp",
      });
      made.push(res.body.id);
    }
    await call("POST", "/reminders", { task_id: other, remind_at: w.at(1), channel: "telegram" });
    await sql`update reminders set status = 'sent', delivery_state = 'accepted' where id = ${made[0]!}`;

    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/reminders?task_id=${task_id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      all.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(all).toEqual([...made].reverse());

    const ids = async (q: string) =>
      (await call("GET", `/reminders?task_id=${task_id}&${q}`)).body.items.map((r: { id: string }) => r.id);
    expect(await ids("channel=whatsapp")).toEqual([made[4], made[3]]);
    expect(await ids("sent=true")).toEqual([made[0]]);
    expect(await ids("sent=false&channel=telegram")).toEqual([made[2], made[1]]);
    expect(await ids(`due_before=${encodeURIComponent(w.at(2))}`)).toEqual([made[1], made[0]]);
  });

  for (const q of ["sent=yes", "channel=sms", "task_id=42", "due_before=soon", "limit=1000"]) {
    it(`rejects ?${q} with 422`, async () => {
      expectProblem(await call("GET", `/reminders?${q}`), 422);
    });
  }
});

describe("GET, PATCH, DELETE /reminders/{id}", () => {
  it("moves a sent reminder: new remind_at, sent and delivery state reset, version bumped", async () => {
    const task_id = await newTask();
    const created = await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "ui" });
    await sql`update reminders set status = 'sent', delivery_state = 'accepted' where id = ${created.body.id}`;
    const res = await call("PATCH", `/reminders/${created.body.id}`, { remind_at: "2026-03-01T09:40:00Z" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      remind_at: "2026-03-01T09:40:00.000Z",
      sent: false,
      delivery_state: null,
      version: 2,
    });
    expect((await call("GET", `/reminders/${created.body.id}`)).body).toEqual(res.body);
  });

  it("changes only the channel without re-arming", async () => {
    const task_id = await newTask();
    const created = await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "ui" });
    await sql`update reminders set status = 'sent', delivery_state = 'accepted' where id = ${created.body.id}`;
    const res = await call("PATCH", `/reminders/${created.body.id}`, { channel: "whatsapp" });
    expect(res.body).toMatchObject({ channel: "whatsapp", sent: true });
  });

  it("rejects moving a reminder to another task, and empty patches", async () => {
    const task_id = await newTask();
    const created = await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "ui" });
    expectProblem(await call("PATCH", `/reminders/${created.body.id}`, { task_id: await newTask() }), 422);
    expectProblem(await call("PATCH", `/reminders/${created.body.id}`, {}), 422);
  });

  it("deletes with 204, then 404s", async () => {
    const task_id = await newTask();
    const created = await call("POST", "/reminders", { task_id, remind_at: "2026-03-01T09:30:00Z", channel: "ui" });
    expect((await call("DELETE", `/reminders/${created.body.id}`)).status).toBe(204);
    expect(await sql`select 1 from reminders where id = ${created.body.id}`).toHaveLength(0);
    expectProblem(await call("GET", `/reminders/${created.body.id}`), 404);
    expectProblem(await call("PATCH", `/reminders/${created.body.id}`, { channel: "ui" }), 404);
    expectProblem(await call("DELETE", "/reminders/123"), 404);
  });
});
