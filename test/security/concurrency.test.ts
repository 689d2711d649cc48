import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../helpers";

describe("optimistic concurrency", () => {
  it("two clients PATCH the same version with If-Match: exactly one wins, the other gets 412", async () => {
    const created = await call("POST", "/tasks", { title: "contended" });
    const etag = created.headers.get("etag")!;
    expect(etag).toBe('"1"');
    const [a, b] = await Promise.all([
      call("PATCH", `/tasks/${created.body.id}`, { title: "from the dashboard" }, { "if-match": etag }),
      call("PATCH", `/tasks/${created.body.id}`, { title: "from the agent" }, { "if-match": etag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    expectProblem(a.status === 412 ? a : b, 412);
    const now = await call("GET", `/tasks/${created.body.id}`);
    expect(now.body.title).toBe(winner.body.title);
    expect(now.body.version).toBe(2);
    expect(now.headers.get("etag")).toBe('"2"');
  });

  it("refuses a stale DELETE and accepts a current one", async () => {
    const created = await call("POST", "/tasks", { title: "delete with if-match" });
    await call("PATCH", `/tasks/${created.body.id}`, { title: "moved on" });
    expectProblem(await call("DELETE", `/tasks/${created.body.id}`, undefined, { "if-match": '"1"' }), 412);
    expect((await call("DELETE", `/tasks/${created.body.id}`, undefined, { "if-match": '"2"' })).status).toBe(204);
  });

  it("answers 304 to If-None-Match while unchanged, 200 after a change", async () => {
    const created = await call("POST", "/reminders", {
      task_id: (await call("POST", "/tasks", { title: "etag reminder" })).body.id,
      remind_at: "2030-01-01T00:00:00Z",
      channel: "ui",
    });
    const path = `/reminders/${created.body.id}`;
    const unchanged = await call("GET", path, undefined, { "if-none-match": '"1"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("etag")).toBe('"1"');
    await call("PATCH", path, { channel: "telegram" }, { "if-match": '"1"' });
    expect((await call("GET", path, undefined, { "if-none-match": '"1"' })).status).toBe(200);
    expectProblem(await call("PATCH", path, { channel: "ui" }, { "if-match": '"1"' }), 412);
  });

  it("treats an If-Match this API never issued as a failed precondition", async () => {
    const created = await call("POST", "/tasks", { title: "odd etag" });
    expectProblem(await call("PATCH", `/tasks/${created.body.id}`, { title: "x" }, { "if-match": "garbage" }), 412);
    expectProblem(await call("PATCH", `/tasks/${crypto.randomUUID()}`, { title: "x" }, { "if-match": '"1"' }), 404);
  });
});
