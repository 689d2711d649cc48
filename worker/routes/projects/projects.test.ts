import { describe, expect, it } from "vitest";
import { call, changeOf, expectProblem } from "../../../test/helpers";

const unique = (name: string) => `${name} ${crypto.randomUUID().slice(0, 8)}`;

async function project(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/projects", { name: unique("Project"), ...body });
  expect(res.status).toBe(201);
  return res.body;
}

describe("projects", () => {
  it("are created with a unique name (ignoring case) and an optional #rrggbb colour", async () => {
    const name = unique("Home");
    const created = await call("POST", "/projects", { name, color: "#3B82F6" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, color: "#3b82f6", archived: false, version: 1 });
    expect(created.body).not.toHaveProperty("name_key");
    expect(created.headers.get("location")).toBe(`/projects/${created.body.id}`);
    expectProblem(await call("POST", "/projects", { name: name.toUpperCase() }), 409);
    for (const body of [
      { name: "" },
      { name: "x".repeat(101) },
      { name: "ok", color: "blue" },
      { name: "ok", extra: 1 },
    ]) {
      expectProblem(await call("POST", "/projects", body), 422);
    }
  });

  it("are read, renamed, archived and listed with paging and the archived filter", async () => {
    const p = await project();
    const got = await call("GET", `/projects/${p.id}`);
    expect(got.body).toEqual(p);
    expect(
      (await call("GET", `/projects/${p.id}`, undefined, { "if-none-match": got.headers.get("etag")! })).status,
    ).toBe(304);
    const renamed = await call(
      "PATCH",
      `/projects/${p.id}`,
      { name: unique("Renamed"), archived: true },
      { "if-match": '"1"' },
    );
    expect(renamed.body).toMatchObject({ archived: true, version: 2 });
    expectProblem(await call("PATCH", `/projects/${p.id}`, { color: null }, { "if-match": '"1"' }), 412);
    const archived = (await call("GET", "/projects?archived=true&limit=200")).body.items.map((x: any) => x.id);
    expect(archived).toContain(p.id);
    expect((await call("GET", "/projects?archived=false&limit=200")).body.items.map((x: any) => x.id)).not.toContain(
      p.id,
    );
    const first = await call("GET", "/projects?limit=1");
    expect(first.body.items).toHaveLength(1);
    const next = await call("GET", `/projects?limit=1&cursor=${first.body.next_cursor}`);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    expectProblem(await call("GET", `/projects/${crypto.randomUUID()}`), 404);
  });

  it("hold tasks: GET /tasks?project= filters, combined with labels and status; an unknown project is 422", async () => {
    const p = await project();
    const label = unique("lbl").replace(" ", "-");
    const inIt = (await call("POST", "/tasks", { title: "In it", project_id: p.id, labels: [label] })).body;
    const done = (
      await call("POST", "/tasks", { title: "Done", project_id: p.id, labels: [label], status: "completed" })
    ).body;
    await call("POST", "/tasks", { title: "Elsewhere", labels: [label] });
    const ids = async (q: string) => ((await call("GET", `/tasks?${q}`)).body.items as any[]).map((t) => t.id).sort();
    expect(await ids(`project=${p.id}`)).toEqual([inIt.id, done.id].sort());
    expect(await ids(`project=${p.id}&label=${label}&status=pending`)).toEqual([inIt.id]);
    const unknown = await call("POST", "/tasks", { title: "Nowhere", project_id: crypto.randomUUID() });
    expectProblem(unknown, 422);
    expect(unknown.body.errors[0].path).toBe("project_id");
    expectProblem(await call("PATCH", `/tasks/${inIt.id}`, { project_id: crypto.randomUUID() }), 422);
    expect((await call("PATCH", `/tasks/${inIt.id}`, { project_id: null })).body.project_id).toBeNull();
  });

  it("holding tasks are deleted only with move_tasks_to: another project, or none", async () => {
    const [from, to] = [await project(), await project()];
    const task = (await call("POST", "/tasks", { title: "Moving", project_id: from.id })).body;
    expectProblem(await call("DELETE", `/projects/${from.id}`), 409);
    expect((await call("GET", `/tasks/${task.id}`)).body.project_id).toBe(from.id);
    expectProblem(await call("DELETE", `/projects/${from.id}?move_tasks_to=${crypto.randomUUID()}`), 404);
    expectProblem(await call("DELETE", `/projects/${from.id}?move_tasks_to=${from.id}`), 422);
    expect((await call("DELETE", `/projects/${from.id}?move_tasks_to=${to.id}`)).status).toBe(204);
    expect((await call("GET", `/tasks/${task.id}`)).body.project_id).toBe(to.id);
    expect((await call("DELETE", `/projects/${to.id}?move_tasks_to=none`)).status).toBe(204);
    expect((await call("GET", `/tasks/${task.id}`)).body.project_id).toBeNull();
    expectProblem(await call("GET", `/projects/${to.id}`), 404);
    const empty = await project();
    expect((await call("DELETE", `/projects/${empty.id}`)).status).toBe(204);
  });

  it("with a stale If-Match are neither deleted nor emptied: the tasks move only with the deletion", async () => {
    const [from, to] = [await project(), await project()];
    const task = (await call("POST", "/tasks", { title: "Staying", project_id: from.id })).body;
    expectProblem(
      await call("DELETE", `/projects/${from.id}?move_tasks_to=${to.id}`, undefined, { "if-match": '"9"' }),
      412,
    );
    expect((await call("GET", `/tasks/${task.id}`)).body).toMatchObject({ project_id: from.id, version: 1 });
  });

  it("are in the change log, created, updated and deleted, without their match key", async () => {
    const p = await project();
    await call("PATCH", `/projects/${p.id}`, { color: "#000000" });
    await call("DELETE", `/projects/${p.id}`);
    for (const op of ["created", "updated", "deleted"]) {
      const change = await changeOf(p.id, (c) => c.type === `project.${op}`);
      expect(change, op).toMatchObject({ entity: "project", op, data: { id: p.id, name: p.name } });
      expect(change.data).not.toHaveProperty("name_key");
    }
  });
});
