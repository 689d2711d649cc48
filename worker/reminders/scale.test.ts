import { env } from "cloudflare:test";
import { sql as q } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadReminders, unloadReminders } from "../../test/bulk";
import { database } from "../../test/helpers";
import { received, scan, scanConfig, seedTask, uniqueChatId } from "../../test/reminders";
import { createDatabase } from "../db/client";
import { claimStatement } from "./claim";

/**
 * The scan's cost must follow the number of due reminders, not the table's size. Here: 200,000 armed
 * reminders that are not due and 3,000 that are. bench scenario 4 (`BENCH_ONLY=scan npm run bench`) runs the full-size version
 * (1,000,000 and 10,000, through wrangler dev) and prints its timings.
 */
const NOT_DUE = 200_000;
const DUE = 3_000;

const sql = database();
const T = new Date("2150-01-01T00:00:00Z");
const loaded: string[] = [];

afterAll(async () => {
  await unloadReminders(sql, loaded);
});

describe("at scale", () => {
  it("claims through reminders_due_idx and delivers every due reminder in one run's budget", async () => {
    const idle = await seedTask(sql);
    const busy = await seedTask(sql);
    loaded.push(idle.id, busy.id);
    const prefix = uniqueChatId();
    await loadReminders(sql, {
      taskId: idle.id,
      count: NOT_DUE,
      // Long after any clock a test uses.
      nextAttemptAt: "timestamptz '2200-01-01' + (i % 43200) * interval '1 minute'",
      channel: "telegram",
      recipient: "null",
    });
    await loadReminders(sql, {
      taskId: busy.id,
      count: DUE,
      nextAttemptAt: `timestamptz '${T.toISOString()}' - (i % 600) * interval '1 second'`,
      channel: "telegram",
      recipient: `'${prefix}' || lpad(i::text, 5, '0')`,
    });
    await sql`analyze reminders`;

    const { db } = createDatabase(env.HYPERDRIVE.connectionString);
    const plan = (
      await db.execute<{ "QUERY PLAN": string }>(
        q`explain ${claimStatement({ dueBy: T, now: T, limit: 50, leaseSeconds: 120 }, crypto.randomUUID())}`,
      )
    ).rows.map((row) => row["QUERY PLAN"]);
    expect(plan.join("\n")).toContain("Index Scan using reminders_due_idx on reminders");
    expect(plan.join("\n")).not.toMatch(/Seq Scan on reminders/);

    const config = scanConfig({ SCAN_MAX_PER_RUN: String(DUE) });
    const { report } = await scan({ taskIds: [busy.id], clock: () => T, config });
    expect(report).toMatchObject({ claimed: DUE, sent: DUE, released: 0, stoppedBy: "max per run" });
    expect(report.elapsedMs).toBeLessThan(config.budgetMs);
    const calls = await received("telegram", { prefix });
    expect(calls).toHaveLength(DUE);
    expect(new Set(calls.map((c) => c.to)).size).toBe(DUE);
    const [idleRows] = await sql`
      select count(*)::int as n from reminders where task_id = ${idle.id} and status = 'scheduled' and attempts = 0`;
    expect(idleRows!.n).toBe(NOT_DUE);
  }, 120_000);
});
