import { readFileSync } from "node:fs";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import { loadReminders } from "../../test/bulk.ts";
import type { FakeProviders } from "../../test/setup/fakes.ts";
import { claimStatement } from "../../worker/reminders/claim.ts";
import { readScanConfig } from "../../worker/settings/scan.ts";

/** wrangler.toml's `[vars]` (its `NAME = "value"` lines): what the Worker runs with unless overridden. */
function shippedVars() {
  const toml = readFileSync(`${new URL("../..", import.meta.url).pathname}wrangler.toml`, "utf8");
  const section = /^\[vars\]$([\s\S]*?)^\[/m.exec(toml)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^(\w+) = "(.*)"$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The scan's settings as shipped (batch size, concurrency, budget, lease), read the way the Worker reads them. */
export const SCAN_SHIPPED = readScanConfig(shippedVars());

/** Armed reminders due a day to a month from now, all on one task: the table the scan must not read. */
export async function loadNotDue(sql: postgres.Sql, count: number) {
  const [task] = await sql<{ id: string }[]>`insert into tasks (title) values ('Bench: later') returning id`;
  const loadMs = await loadReminders(sql, {
    taskId: task!.id,
    count,
    nextAttemptAt: "now() + interval '1 day' + (i % 43200) * interval '1 minute'",
    channel: "telegram",
    recipient: "null",
  });
  return { taskId: task!.id, loadMs };
}

/**
 * Reminders due in the last ten minutes, half Telegram and half WhatsApp, each to its own recipient
 * made from `tag`, so the fakes can count them (and any second delivery) by prefix.
 */
export async function loadDue(sql: postgres.Sql, count: number, tag: string) {
  const [task] = await sql<
    { id: string }[]
  >`insert into tasks (title, description) values (${`Bench ${tag}`}, 'Due now') returning id`;
  const half = Math.floor(count / 2);
  const due = "now() - (i % 600) * interval '1 second'";
  await loadReminders(sql, {
    taskId: task!.id,
    count: half,
    nextAttemptAt: due,
    channel: "telegram",
    recipient: `'-${tag}' || lpad(i::text, 7, '0')`,
  });
  await loadReminders(sql, {
    taskId: task!.id,
    count: count - half,
    nextAttemptAt: due,
    channel: "whatsapp",
    recipient: `'+1${tag}' || lpad(i::text, 7, '0')`,
  });
  await sql`analyze reminders`;
  return task!.id;
}

/** Provider calls the fakes received for `loadDue(…, tag)`'s recipients, and how many recipients they reached. */
export async function deliveredTo(fakes: FakeProviders, tag: string) {
  const get = async (control: string, prefix: string) =>
    (
      (await (await fetch(`${control}/__control/received?prefix=${encodeURIComponent(prefix)}`)).json()) as {
        received: { to: string }[];
      }
    ).received;
  const calls = [...(await get(fakes.control.telegram, `-${tag}`)), ...(await get(fakes.control.whatsapp, `1${tag}`))];
  return { calls: calls.length, recipients: new Set(calls.map((c) => c.to)).size };
}

/** The scan's claim of one batch as the Worker sends it, due by and leased from now. */
export function claimQuery(limit = SCAN_SHIPPED.batchSize) {
  const now = new Date();
  return new PgDialect().sqlToQuery(
    claimStatement({ dueBy: now, now, limit, leaseSeconds: SCAN_SHIPPED.leaseSeconds }, crypto.randomUUID()),
  );
}

/** A query with its parameters written in as SQL literals, for tools that take plain SQL (pgbench). */
export function inlineParameters(query: { sql: string; params: unknown[] }) {
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = query.params[Number(n) - 1];
    if (typeof value === "number") return String(value);
    if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
    throw new Error(`cannot inline parameter $${n} (${typeof value})`);
  });
}

/** The claim's plan, executed (EXPLAIN ANALYZE) and rolled back, so no reminder stays leased. */
export async function explainClaim(sql: postgres.Sql) {
  const query = claimQuery();
  let plan: string[] = [];
  await sql
    .begin(async (tx) => {
      const rows = await tx.unsafe(`explain (analyze, buffers, costs off) ${query.sql}`, query.params as never[]);
      plan = rows.map((r) => r["QUERY PLAN"] as string);
      throw new Error("rollback");
    })
    .catch((err: Error) => {
      if (err.message !== "rollback") throw err;
    });
  if (!plan.some((l) => l.includes("reminders_due_idx"))) throw new Error("the claim did not use reminders_due_idx");
  return plan;
}
