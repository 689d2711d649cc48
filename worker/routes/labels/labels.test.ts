import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { call, changeOf, expectProblem, scratchDatabaseUrl, testStore } from "../../../test/helpers";
import { listTasks } from "../../services/tasks";

/** Labels no other test uses, so counts and filters see only this file's tasks. */
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

async function task(labels: string[], title = `Labelled ${crypto.randomUUID()}`) {
  const res = await call("POST", "/tasks", { title, labels });
  expect(res.status).toBe(201);
  return res.body;
}

describe("task labels", () => {
  it("are kept as first written, one per case-insensitive spelling, trimmed", async () => {
    const home = unique("Home");
    const created = await task([home, home.toLowerCase(), `  ${home.toUpperCase()} `, " Errands ", "errands"]);
    expect(created.labels).toEqual([home, "Errands"]);
    expect(created).not.toHaveProperty("label_keys");
    expect((await call("GET", `/tasks/${created.id}`)).body.labels).toEqual([home, "Errands"]);
    expect((await call("POST", "/tasks", { title: "No labels" })).body.labels).toEqual([]);
  });

  it("refuse more than 20, an empty one, or one over 50 characters, with 422 naming labels", async () => {
    for (const labels of [
      Array.from({ length: 21 }, (_, i) => `l${i}`),
      [""],
      ["   "],
      ["x".repeat(51)],
      ["ok", 7],
      ["nul\u0000"],
    ]) {
      const res = await call("POST", "/tasks", { title: "Too many labels", labels });
      expectProblem(res, 422);
      expect(JSON.stringify(res.body.errors)).toContain("labels");
    }
    // 20 distinct labels, or more spellings that fold to 20, are fine.
    expect(
      (await call("POST", "/tasks", { title: "Twenty", labels: Array.from({ length: 20 }, (_, i) => `l${i}`) })).status,
    ).toBe(201);
  });

  it("are replaced by PATCH, and cleared with []", async () => {
    const created = await task(["a", "b"]);
    const patched = await call("PATCH", `/tasks/${created.id}`, { labels: ["c"] });
    expect(patched.body.labels).toEqual(["c"]);
    expect((await call("PATCH", `/tasks/${created.id}`, { labels: [] })).body.labels).toEqual([]);
  });

  it("filter tasks: one label, or several meaning all of them, case-insensitively", async () => {
    const [a, b] = [unique("Alpha"), unique("beta")];
    const both = await task([a, b]);
    const onlyA = await task([a]);
    await task([b]);
    const ids = async (query: string) =>
      ((await call("GET", `/tasks?${query}`)).body.items as { id: string }[]).map((t) => t.id).sort();
    expect(await ids(`label=${encodeURIComponent(a.toUpperCase())}`)).toEqual([both.id, onlyA.id].sort());
    expect(await ids(`label=${encodeURIComponent(a)}&label=${encodeURIComponent(b.toUpperCase())}`)).toEqual([both.id]);
    expectProblem(await call("GET", `/tasks?label=${"x".repeat(51)}`), 422);
  });

  it("GET /labels counts each label's tasks, as first written", async () => {
    const name = unique("Garden");
    await task([name]);
    await task([name.toLowerCase(), "other"]);
    const res = await call("GET", "/labels");
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual({ name, task_count: 2 });
    const counts = (res.body.items as { task_count: number }[]).map((l) => l.task_count);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
  });

  it("reach /changes with the task, without their match keys", async () => {
    const name = unique("Sync");
    const created = await task([name]);
    const found = await changeOf(created.id, (c) => c.type === "task.created");
    expect(found.data.labels).toEqual([name]);
    expect(found.data).not.toHaveProperty("label_keys");
  });
});

describe("the label filter at 100,000 tasks", () => {
  it("is answered from the GIN index, not a scan of the table", async () => {
    const sql = postgres(scratchDatabaseUrl(), { max: 1, fetch_types: false, onnotice: () => {} });
    const rare = unique("rare");
    try {
      // Fixture rows skip the change-log triggers (this transaction only; the test cluster's user is a superuser).
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`insert into tasks (title, labels, label_keys, created_at)
          select 'bulk ' || i,
            case when i % 1000 = 0 then array[${rare}, 'common'] else array['common'] end,
            case when i % 1000 = 0 then array[${rare.toLowerCase()}, 'common'] else array['common'] end,
            timestamptz '2001-01-01' + make_interval(secs => i)
          from generate_series(1, 100000) as i`;
      });
      await sql`analyze tasks`;
      const store = testStore(scratchDatabaseUrl());
      const started = performance.now();
      const { items } = await listTasks(store, { label: [rare], limit: 50 });
      const elapsed = performance.now() - started;
      expect(items).toHaveLength(50);
      const plan = (await sql.unsafe(
        `explain select id from tasks where label_keys @> array['${rare.toLowerCase()}'] order by created_at desc, id desc limit 51`,
      )) as { "QUERY PLAN": string }[];
      const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain("tasks_label_keys_idx");
      console.info(`label filter over 100,000 tasks: ${elapsed.toFixed(1)} ms for the first page (100 matches)`);
    } finally {
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`delete from tasks where title like 'bulk %' and created_at < timestamptz '2002-01-01'`;
      });
      // Left open: workerd closes it with the test isolate (postgres.js's end() races its reader there).
    }
  }, 120_000);
});
