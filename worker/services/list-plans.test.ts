import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/node-postgres";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../db/client";
import { listPeople } from "./people";
import { listReminders } from "./reminders";
import { listCompletions } from "./task-completions";
import { listTasks } from "./tasks";

/**
 * Newest-first lists must be read in index order, not sorted: an index declared `DESC NULLS LAST`
 * cannot serve `ORDER BY … DESC` (nulls first), and at 20,000 tasks the list fell back to a full
 * scan and a sort (16 ms instead of 0.07 ms; bench scenario 1). With sequential and bitmap scans
 * switched off (the test tables are small, so the planner would rightly prefer them), any Sort left in
 * the plan means the order is not coming from an index.
 */
async function plansOf(run: (store: { db: any; onCommitted(): void }) => Promise<unknown>) {
  const { pool } = createDatabase(env.HYPERDRIVE.connectionString);
  const statements: { query: string; params: unknown[] }[] = [];
  const db = drizzle(pool, { logger: { logQuery: (query, params) => statements.push({ query, params }) } });
  // Only the statements matter; a list of a task that does not exist ends in a 404 after them.
  await run({ db, onCommitted() {} }).catch(() => {});
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("set local enable_seqscan = off");
    await client.query("set local enable_bitmapscan = off");
    const plans: string[] = [];
    for (const { query, params } of statements) {
      const { rows } = await client.query(`explain ${query}`, params);
      plans.push(rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n"));
    }
    await client.query("rollback");
    return plans;
  } finally {
    client.release();
    await pool.end();
  }
}

describe("newest-first lists", () => {
  const id = crypto.randomUUID();
  it.each([
    ["tasks", (store: any) => listTasks(store, { limit: 50 })],
    ["tasks by status", (store: any) => listTasks(store, { status: "pending", limit: 50 })],
    ["one person's tasks", (store: any) => listTasks(store, { assignee: id, limit: 50 })],
    ["people", (store: any) => listPeople(store, { limit: 50 })],
    ["reminders", (store: any) => listReminders(store, { limit: 50 })],
    ["a task's reminders", (store: any) => listReminders(store, { task_id: id, limit: 50 })],
    ["a task's completions", (store: any) => listCompletions(store, { task_id: id, limit: 50 })],
  ])("%s come from an index in order, without a sort", async (_name, run) => {
    const plans = await plansOf(run);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(plan).toMatch(/Index (Only )?Scan/);
      expect(plan).not.toMatch(/Sort/);
    }
  });

  it("one person's tasks come from tasks_assignee_created_idx, the index deleting a person checks too", async () => {
    const [plan] = await plansOf((store) => listTasks(store as any, { assignee: id, limit: 50 }));
    expect(plan).toContain("tasks_assignee_created_idx");
  });

  it("reminders waiting for confirmation (delivery_state=accepted) come from their own partial index", async () => {
    const [plan] = await plansOf((store) => listReminders(store as any, { delivery_state: "accepted", limit: 50 }));
    expect(plan).toContain("reminders_accepted_created_idx");
    expect(plan).not.toMatch(/Sort/);
  });
});
