import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../../../test/helpers";

/** The current end of the log, from the API itself. */
async function position(): Promise<number> {
  const res = await call("GET", "/changes");
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ changes: [], has_more: false });
  return res.body.next_since;
}

/** Every change after `since`, page by page, keeping only those about `ids`. */
async function changesAbout(ids: string[], since: number, limit = 1000) {
  const found: any[] = [];
  let cursor = since;
  for (;;) {
    const res = await call("GET", `/changes?since=${cursor}&limit=${limit}`);
    expect(res.status).toBe(200);
    found.push(...res.body.changes.filter((c: { id: string }) => ids.includes(c.id)));
    cursor = res.body.next_since;
    if (!res.body.has_more) return { found, next_since: cursor };
  }
}

describe("GET /changes", () => {
  it("returns this test's mutations in commit order, shaped like the REST resources", async () => {
    const since = await position();
    const task = await call("POST", "/tasks", { title: "change log", source: "ui" });
    const updated = await call("PATCH", `/tasks/${task.body.id}`, { status: "completed" });
    const reminder = await call("POST", "/reminders", {
      task_id: task.body.id,
      remind_at: "2026-03-01T09:30:00Z",
      channel: "telegram",
    });
    await call("DELETE", `/tasks/${task.body.id}`);

    const { found } = await changesAbout([task.body.id, reminder.body.id], since);
    expect(found.map((c) => c.type)).toEqual([
      "task.created",
      "task.updated",
      "reminder.created",
      expect.stringMatching(/^(task|reminder)\.deleted$/),
      expect.stringMatching(/^(task|reminder)\.deleted$/),
    ]);
    const seqs = found.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const [created, changed, remind] = found;
    expect(created).toMatchObject({ entity: "task", op: "created", id: task.body.id, data: task.body });
    expect(changed.data).toEqual(updated.body);
    expect(remind.data).toEqual(reminder.body);
    expect(Object.keys(remind.data)).not.toContain("lease_token");
    expect(new Date(created.at).toISOString()).toBe(created.at);
  });

  it("pages with limit: next_since continues exactly where the page ended, has_more says when to stop", async () => {
    const since = await position();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call("POST", "/tasks", { title: `page ${i}` })).body.id);

    const first = await call("GET", `/changes?since=${since}&limit=2`);
    expect(first.body.changes).toHaveLength(2);
    expect(first.body.has_more).toBe(true);
    expect(first.body.next_since).toBe(first.body.changes[1].seq);
    expect(first.body.changes[0].seq).toBe(since + 1);

    const { found } = await changesAbout(ids, since, 2);
    expect(found.map((c) => c.id)).toEqual(ids);
  });

  it("returns only changes after since, and a cursor that never goes back", async () => {
    const since = await position();
    const res = await call("GET", `/changes?since=${since}`);
    for (const change of res.body.changes) expect(change.seq).toBeGreaterThan(since);
    expect(res.body.next_since).toBeGreaterThanOrEqual(since);
  });

  it("answers a cursor beyond the end of the log (another database's) with 410", async () => {
    const problem = expectProblem(await call("GET", `/changes?since=${(await position()) + 1_000_000}`), 410);
    expect(problem.type).toBe("/problems/gone");
    expect(problem.detail).toMatch(/reload/i);
  });

  it("is described in the OpenAPI document, with the token route", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.paths["/changes"].get.responses).toHaveProperty("410");
    expect(doc.paths["/realtime/token"].post).toBeDefined();
    expect(doc.components.schemas.Change.properties).toHaveProperty("seq");
  });

  for (const q of ["since=-1", "since=abc", "since=1.5", "limit=0", "limit=1001", "after=3"]) {
    it(`rejects ?${q} with 422`, async () => {
      expectProblem(await call("GET", `/changes?${q}`), 422);
    });
  }
});
