import { describe, expect, it } from "vitest";
import { call, changeOf, database, expectProblem } from "../../../test/helpers";
import { openRoomSocket } from "../../../test/realtime/helpers";

const sql = database();
const unique = (name: string) => `${name} ${crypto.randomUUID().slice(0, 8)}`;

async function person(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/people", { name: unique("Person"), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const ids = async (query: string) =>
  ((await call("GET", `/tasks?${query}`)).body.items as any[]).map((t) => t.id).sort();

describe("people", () => {
  it("are created with a name and optional handles checked as reminder recipients are, and a time zone", async () => {
    const created = await call("POST", "/people", {
      name: "  Alex  ",
      telegram_chat_id: "-1001234567890",
      whatsapp_number: "+14155550123",
      timezone: "europe/berlin",
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: "Alex",
      telegram_chat_id: "-1001234567890",
      whatsapp_number: "+14155550123",
      timezone: "Europe/Berlin",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      version: 1,
    });
    expect(created.headers.get("location")).toBe(`/people/${created.body.id}`);
    expect(created.headers.get("etag")).toBe('"1"');
    const [row] =
      await sql`select name, telegram_chat_id, whatsapp_number, timezone from people where id = ${created.body.id}`;
    expect(row).toEqual({
      name: "Alex",
      telegram_chat_id: "-1001234567890",
      whatsapp_number: "+14155550123",
      timezone: "Europe/Berlin",
    });
    expect((await call("POST", "/people", { name: "Handle", telegram_chat_id: "@openclaw_bot" })).status).toBe(201);
    // Names need not be unique: two people may share one.
    expect((await call("POST", "/people", { name: "Alex" })).status).toBe(201);

    for (const [body, field] of [
      [{ name: "" }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ name: "ok", telegram_chat_id: "0123" }, "telegram_chat_id"],
      [{ name: "ok", telegram_chat_id: "@abc" }, "telegram_chat_id"],
      [{ name: "ok", telegram_chat_id: 12345 }, "telegram_chat_id"],
      [{ name: "ok", whatsapp_number: "14155550123" }, "whatsapp_number"],
      [{ name: "ok", whatsapp_number: "+0123456789" }, "whatsapp_number"],
      [{ name: "ok", whatsapp_number: "+1234567" }, "whatsapp_number"],
      [{ name: "ok", whatsapp_number: "+1234567890123456" }, "whatsapp_number"],
      [{ name: "ok", timezone: "Mars/Olympus" }, "timezone"],
      [{ name: "ok", extra: 1 }, ""],
    ] as const) {
      const res = await call("POST", "/people", body);
      expectProblem(res, 422);
      if (field)
        expect(
          res.body.errors.map((e: any) => e.path),
          JSON.stringify(body),
        ).toContain(field);
    }
  });

  it("are read, changed with If-Match, cleared and listed newest first with cursor paging", async () => {
    const p = await person({ telegram_chat_id: "42424242", timezone: "Asia/Kolkata" });
    const got = await call("GET", `/people/${p.id}`);
    expect(got.body).toEqual(p);
    expect((await call("GET", `/people/${p.id}`, undefined, { "if-none-match": '"1"' })).status).toBe(304);
    const changed = await call(
      "PATCH",
      `/people/${p.id}`,
      { name: "Renamed", telegram_chat_id: null, whatsapp_number: "+4915112345678", timezone: null },
      { "if-match": '"1"' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "Renamed",
      telegram_chat_id: null,
      whatsapp_number: "+4915112345678",
      timezone: null,
      version: 2,
    });
    expect(changed.headers.get("etag")).toBe('"2"');
    expectProblem(await call("PATCH", `/people/${p.id}`, { name: "Stale" }, { "if-match": '"1"' }), 412);
    expectProblem(await call("PATCH", `/people/${p.id}`, {}), 422);
    expectProblem(await call("PATCH", `/people/${p.id}`, { whatsapp_number: "+1" }), 422);
    expectProblem(await call("PATCH", `/people/${crypto.randomUUID()}`, { name: "Nobody" }), 404);
    expectProblem(await call("GET", `/people/${crypto.randomUUID()}`), 404);

    const three = [await person(), await person(), await person()];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const res = await call("GET", `/people${query}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((x: any) => x.id));
      cursor = res.body.next_cursor;
    } while (cursor && !three.every((x) => seen.includes(x.id)));
    // Newest first, none twice.
    expect(seen.slice(0, 3)).toEqual(three.map((x) => x.id).reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expectProblem(await call("GET", "/people?cursor=forged"), 422);
    expectProblem(await call("GET", "/people?limit=201"), 422);
  });

  it("are assigned tasks: an unknown assignee is 422 naming assignee_id; GET /tasks?assignee= filters", async () => {
    const [a, b] = [await person(), await person()];
    const mine = (await call("POST", "/tasks", { title: "Mine", assignee_id: a.id })).body;
    expect(mine.assignee_id).toBe(a.id);
    const theirs = (await call("POST", "/tasks", { title: "Theirs", assignee_id: b.id })).body;
    expect(await ids(`assignee=${a.id}`)).toEqual([mine.id]);
    expect(await ids(`assignee=${b.id}`)).toEqual([theirs.id]);

    const unknown = await call("POST", "/tasks", { title: "Nobody's", assignee_id: crypto.randomUUID() });
    expectProblem(unknown, 422);
    expect(unknown.body.errors[0].path).toBe("assignee_id");
    const badPatch = await call("PATCH", `/tasks/${mine.id}`, { assignee_id: crypto.randomUUID() });
    expectProblem(badPatch, 422);
    expect(badPatch.body.errors[0].path).toBe("assignee_id");
    expectProblem(await call("POST", "/tasks", { title: "Bad", assignee_id: "not-a-uuid" }), 422);
    expectProblem(await call("GET", "/tasks?assignee=someone"), 422);

    const moved = await call("PATCH", `/tasks/${mine.id}`, { assignee_id: b.id });
    expect(moved.body).toMatchObject({ assignee_id: b.id, version: 2 });
    expect(await ids(`assignee=${b.id}`)).toEqual([mine.id, theirs.id].sort());
    expect((await call("PATCH", `/tasks/${mine.id}`, { assignee_id: null })).body.assignee_id).toBeNull();
    expect(await ids(`assignee=${a.id}`)).toEqual([]);
    const unassigned = await ids("assignee=none&limit=200");
    expect(unassigned).toContain(mine.id);
    expect(unassigned).not.toContain(theirs.id);
  });

  it("combine with the other filters: project, two labels, assignee and status together", async () => {
    const who = await person();
    const other = await person();
    const project = (await call("POST", "/projects", { name: unique("Filters") })).body;
    const [l1, l2] = [unique("one").replace(" ", "-"), unique("two").replace(" ", "-")];
    const base = { project_id: project.id, assignee_id: who.id, labels: [l1, l2] };
    const hit = (await call("POST", "/tasks", { title: "Hit", ...base })).body;
    const misses = await Promise.all(
      [
        { ...base, status: "completed" },
        { ...base, assignee_id: other.id },
        { ...base, assignee_id: null },
        { ...base, project_id: null },
        { ...base, labels: [l1] },
        { ...base, labels: [l2.toUpperCase()] },
      ].map(async (body) => (await call("POST", "/tasks", { title: "Miss", ...body })).body.id as string),
    );
    const all = `project=${project.id}&label=${l1}&label=${l2.toUpperCase()}&assignee=${who.id}&status=pending`;
    expect(await ids(all)).toEqual([hit.id]);
    // Each filter on its own lets some of the misses through, so each one above did its part.
    expect((await ids(`project=${project.id}&label=${l1}&label=${l2}&status=pending`)).length).toBe(3);
    expect((await ids(`assignee=${who.id}`)).length).toBe(5);
    expect(misses).toHaveLength(6);
  });

  it("with tasks are deleted only with reassign_to: another person, or none; a stale If-Match moves nothing", async () => {
    const [from, to] = [await person(), await person()];
    const task = (await call("POST", "/tasks", { title: "Reassigned", assignee_id: from.id })).body;
    const refused = await call("DELETE", `/people/${from.id}`);
    expectProblem(refused, 409);
    expect(refused.body.detail).toContain("reassign_to");
    expectProblem(await call("DELETE", `/people/${from.id}?reassign_to=${crypto.randomUUID()}`), 404);
    expectProblem(await call("DELETE", `/people/${from.id}?reassign_to=${from.id}`), 422);
    expectProblem(await call("DELETE", `/people/${from.id}?reassign_to=someone`), 422);
    expectProblem(
      await call("DELETE", `/people/${from.id}?reassign_to=${to.id}`, undefined, { "if-match": '"9"' }),
      412,
    );
    expect((await call("GET", `/tasks/${task.id}`)).body).toMatchObject({ assignee_id: from.id, version: 1 });

    expect(
      (await call("DELETE", `/people/${from.id}?reassign_to=${to.id}`, undefined, { "if-match": '"1"' })).status,
    ).toBe(204);
    expect((await call("GET", `/tasks/${task.id}`)).body).toMatchObject({ assignee_id: to.id, version: 2 });
    expectProblem(await call("GET", `/people/${from.id}`), 404);
    expect((await call("DELETE", `/people/${to.id}?reassign_to=none`)).status).toBe(204);
    expect((await call("GET", `/tasks/${task.id}`)).body).toMatchObject({ assignee_id: null, version: 3 });
    expectProblem(await call("DELETE", `/people/${to.id}`), 404);
    const idle = await person();
    expect((await call("DELETE", `/people/${idle.id}`)).status).toBe(204);
  });

  it("are in the change log and the room as person.created, person.updated and person.deleted (webhooks: engine.test.ts)", async () => {
    const room = await openRoomSocket();
    await room.next((m) => m.type === "sync.ready" || m.type === "sync.stale");
    const p = await person({ whatsapp_number: "+4915199999999" });
    const updated = (await call("PATCH", `/people/${p.id}`, { name: "Changed" })).body;
    expect((await call("DELETE", `/people/${p.id}`)).status).toBe(204);
    for (const [op, data] of [
      ["created", p],
      ["updated", updated],
      ["deleted", updated],
    ] as const) {
      const change = await changeOf(p.id, (c) => c.type === `person.${op}`);
      expect(change, op).toMatchObject({ entity: "person", op, id: p.id, data });
      const message = await room.next((m) => m.type === `person.${op}` && m.id === p.id);
      expect(message.data).toEqual(change);
    }
    room.close();
  });
});
