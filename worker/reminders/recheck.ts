import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { reminders, tasks } from "../db/schema";

/**
 * What the last look before a provider call found: go ahead; the task is no longer pending (the
 * reason to record); or the claim is gone (snoozed, edited or deleted meanwhile: nothing to send,
 * nothing to record).
 */
export type Recheck = { go: true } | { go: false; skip: string } | { go: false; lost: true };

/**
 * Reads the task's committed status and whether the reminder still carries this scan's lease, just
 * before its provider call. The claim read the status too, but a batch is delivered over seconds
 * and a completion can commit in between: this read is what orders a delivery before any completion
 * that commits after it. A completion still uncommitted now is not seen (and does not block): the
 * reminder goes out before that completion commits.
 */
export async function recheckBeforeSending(db: Database, id: string, token: string): Promise<Recheck> {
  const { rows } = await db.execute<{ status: string }>(sql`
    select ${tasks.status}::text as status from ${reminders} join ${tasks} on ${tasks.id} = ${reminders.task_id}
    where ${reminders.id} = ${id} and ${reminders.lease_token} = ${token}::uuid`);
  const status = rows[0]?.status;
  if (status === undefined) return { go: false, lost: true };
  return status === "pending" ? { go: true } : { go: false, skip: `task ${status}` };
}
