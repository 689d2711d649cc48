import { describe, expect, it } from "vitest";
import { call, database, expectProblem, uniqueWindow } from "../../../test/helpers";

const sql = database();

const seed = {
  title: "Review pull requests",
  description: "Check and merge pending PRs",
  status: "pending",
  source: "ui",
  due_time: "2026-03-01T10:00:00Z",
};

describe("POST /tasks", () => {
  it("creates the seed's task: 201, Location, stored row", async () => {
    const res = await call("POST", "/tasks", seed);
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/tasks/${res.body.id}`);
    expect(res.body).toMatchObject({ ...seed, due_time: "2026-03-01T10:00:00.000Z", version: 1 });
    expect(res.body.created_at).toBe(res.body.updated_at);
    const [row] = await sql`select title, status, source, due_time from tasks where id = ${res.body.id}`;
    expect(row).toMatchObject({ title: seed.title, status: "pending", source: "ui" });
    expect(row!.due_time.toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });

  it("accepts `curl -d` (JSON labelled as a form) and defaults status and source", async () => {
    const res = await call("POST", "/tasks", JSON.stringify({ title: "curl example" }), {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: "curl example",
      status: "pending",
      source: "system",
      description: null,
      due_time: null,
    });
  });

  it("trims the title and keeps SQL-looking text verbatim", async () => {
    const title = "  '); drop table tasks; --  ";
    const res = await call("POST", "/tasks", { title });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe(title.trim());
    const [row] = await sql`select title from tasks where id = ${res.body.id}`;
    expect(row!.title).toBe(title.trim());
  });

  it("converts offsets to UTC", async () => {
    const res = await call("POST", "/tasks", { title: "offset", due_time: "2026-03-01T15:30:00+05:30" });
    expect(res.body.due_time).toBe("2026-03-01T10:00:00.000Z");
  });

  const invalid: [string, unknown, string][] = [
    ["a missing title", { source: "ui" }, "title"],
    ["an empty title", { title: "" }, "title"],
    ["a blank title", { title: "   " }, "title"],
    ["an over-long title", { title: "x".repeat(501) }, "title"],
    ["an over-long description", { title: "t", description: "x".repeat(10_001) }, "description"],
    ["an unknown status", { title: "t", status: "done" }, "status"],
    ["an unknown source", { title: "t", source: "email" }, "source"],
    ["a timestamp without an offset", { title: "t", due_time: "2026-03-01T10:00:00" }, "due_time"],
    ["a date without a time", { title: "t", due_time: "2026-03-01" }, "due_time"],
    ["an impossible date", { title: "t", due_time: "2026-02-30T10:00:00Z" }, "due_time"],
    ["a number for a string", { title: 42 }, "title"],
    ["a NUL character", { title: "bad\u0000title" }, "title"],
    ["an unknown field", { title: "t", priority: "high" }, "priority"],
  ];
  for (const [what, body, field] of invalid) {
    it(`rejects ${what} with 422 naming ${field}`, async () => {
      const problem = expectProblem(await call("POST", "/tasks", body), 422);
      expect(problem.errors?.map((e) => e.path)).toContain(field);
    });
  }

  it("rejects malformed JSON with 400", async () => {
    expectProblem(await call("POST", "/tasks", '{"title": "x",'), 400);
  });

  it("rejects a JSON array body with 422", async () => {
    expectProblem(await call("POST", "/tasks", "[]"), 422);
  });

  it("rejects a non-JSON content type with 415", async () => {
    expectProblem(await call("POST", "/tasks", "title=x", { "content-type": "text/plain" }), 415);
    expectProblem(
      await call("POST", "/tasks", "title=x", { "content-type": "application/x-www-form-urlencoded" }),
      415,
    );
  });

  it("rejects a body over the limit with 413", async () => {
    expectProblem(await call("POST", "/tasks", { title: "t", description: "x".repeat(70_000) }), 413);
  });
});

describe("GET /tasks/{id}", () => {
  it("returns the task", async () => {
    const created = await call("POST", "/tasks", { title: "get me" });
    const res = await call("GET", `/tasks/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
  });

  it("answers 404 for an unknown id and for a non-UUID id", async () => {
    expect(expectProblem(await call("GET", `/tasks/${crypto.randomUUID()}`), 404).detail).toMatch(/No task/);
    expect(expectProblem(await call("GET", "/tasks/not-a-uuid"), 404).detail).toMatch(/No task with id 'not-a-uuid'/);
  });
});

describe("GET /tasks", () => {
  it("serves the seed's query", async () => {
    const res = await call("GET", "/tasks?status=pending&limit=10");
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(10);
    for (const task of res.body.items) expect(task.status).toBe("pending");
  });

  it("filters by status, source and due window, and pages through every match exactly once", async () => {
    const w = uniqueWindow();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await call("POST", "/tasks", {
        title: `window ${i}`,
        source: i % 2 ? "telegram" : "whatsapp",
        status: i === 6 ? "completed" : "pending",
        due_time: w.at(i + 1),
      });
      made.push(res.body.id);
    }
    await call("POST", "/tasks", { title: "outside", due_time: w.at(48) });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams({ due_after: w.from, due_before: w.to, limit: "3", ...(cursor ? { cursor } : {}) });
      const res = await call("GET", `/tasks?${q}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());

    const telegram = await call("GET", `/tasks?source=telegram&due_after=${w.from}&due_before=${w.to}`);
    expect(telegram.body.items.map((t: { id: string }) => t.id)).toEqual([made[5], made[3], made[1]]);
    const completed = await call("GET", `/tasks?status=completed&due_after=${w.from}&due_before=${w.to}`);
    expect(completed.body.items.map((t: { id: string }) => t.id)).toEqual([made[6]]);
    const early = await call("GET", `/tasks?due_after=${w.from}&due_before=${encodeURIComponent(w.at(3))}`);
    expect(early.body.items.map((t: { id: string }) => t.id)).toEqual([made[1], made[0]]);
  });

  it("searches titles with ?q=, ignoring case, with % and _ matching only themselves", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const titles = [
      `Call the DENTIST ${tag}`,
      `dentist bill ${tag}`,
      `100% done ${tag}`,
      `snake_case ${tag}`,
      `other ${tag}`,
    ];
    for (const title of titles) expect((await call("POST", "/tasks", { title })).status).toBe(201);
    const search = async (q: string) => {
      const res = await call("GET", `/tasks?limit=200&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return (res.body.items as { title: string }[])
        .map((t) => t.title)
        .filter((t) => t.endsWith(tag))
        .sort();
    };
    expect(await search(`Dentist`)).toEqual([`Call the DENTIST ${tag}`, `dentist bill ${tag}`]);
    expect(await search(`0% done ${tag}`)).toEqual([`100% done ${tag}`]);
    expect(await search(`%`)).toEqual([`100% done ${tag}`]);
    expect(await search(`e_c`)).toEqual([`snake_case ${tag}`]);
    expect(await search(`nothing like this ${tag}`)).toEqual([]);
  });

  const badQueries = [
    "q=",
    "status=done",
    "source=email",
    "limit=0",
    "limit=201",
    "limit=abc",
    "due_before=yesterday",
    "due_after=2026-03-01T10:00:00",
    "cursor=garbage",
    "colour=red",
  ];
  for (const q of badQueries) {
    it(`rejects ?${q} with 422`, async () => {
      expectProblem(await call("GET", `/tasks?${q}`), 422);
    });
  }
});

describe("PATCH /tasks/{id}", () => {
  it("completes a task (the seed's example), bumping updated_at and version", async () => {
    const created = await call("POST", "/tasks", seed);
    await new Promise((r) => setTimeout(r, 5));
    const res = await call("PATCH", `/tasks/${created.body.id}`, { status: "completed" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "completed", title: seed.title, version: 2 });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.parse(created.body.updated_at));
    expect(res.body.created_at).toBe(created.body.created_at);
    const [row] = await sql`select status, version from tasks where id = ${created.body.id}`;
    expect(row).toEqual({ status: "completed", version: 2 });
  });

  it("clears a due time with null and leaves other fields alone", async () => {
    const created = await call("POST", "/tasks", seed);
    const res = await call("PATCH", `/tasks/${created.body.id}`, { due_time: null });
    expect(res.body).toMatchObject({ due_time: null, description: seed.description });
  });

  it("rejects unknown fields, read-only fields and empty patches", async () => {
    const created = await call("POST", "/tasks", { title: "patch me" });
    for (const body of [{ priority: 1 }, { id: crypto.randomUUID() }, { created_at: "2026-01-01T00:00:00Z" }, {}]) {
      expectProblem(await call("PATCH", `/tasks/${created.body.id}`, body), 422);
    }
    expect((await call("GET", `/tasks/${created.body.id}`)).body.version).toBe(1);
  });

  it("answers 404 for a missing task", async () => {
    expectProblem(await call("PATCH", `/tasks/${crypto.randomUUID()}`, { title: "x" }), 404);
  });
});

describe("DELETE /tasks/{id}", () => {
  it("deletes the task and its reminders", async () => {
    const task = await call("POST", "/tasks", { title: "delete me" });
    const reminder = await call("POST", "/reminders", {
      task_id: task.body.id,
      remind_at: "2026-03-01T09:00:00Z",
      channel: "telegram",
    });
    expect(reminder.status).toBe(201);
    const res = await call("DELETE", `/tasks/${task.body.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(await sql`select 1 from reminders where id = ${reminder.body.id}`).toHaveLength(0);
    expectProblem(await call("GET", `/tasks/${task.body.id}`), 404);
    expectProblem(await call("DELETE", `/tasks/${task.body.id}`), 404);
  });
});

describe("unknown routes", () => {
  it("answer 404 problem+json", async () => {
    expectProblem(await call("GET", "/nope"), 404);
    expectProblem(await call("PUT", `/tasks/${crypto.randomUUID()}`, { title: "x" }), 404);
  });
});
