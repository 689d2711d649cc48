import { getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ReminderRow, reminders, type TaskRow, tasks } from "../db/schema";

/** A claimed reminder with the task it is about, which the message is made from. */
export interface DueReminder extends ReminderRow {
  task: TaskRow;
}

export interface ClaimedBatch {
  /** Proof of this claim: an outcome is recorded only while the reminder still carries it. */
  token: string;
  reminders: DueReminder[];
}

export interface ClaimOptions {
  /** Reminders whose next attempt falls at or before this instant are due. */
  dueBy: Date;
  /** The claiming scan's clock; the lease runs from it. */
  now: Date;
  limit: number;
  leaseSeconds: number;
  /** Only these tasks' reminders: lets tests (or an operator re-driving one task) leave the rest alone. */
  taskIds?: string[];
}

/**
 * The claim as one statement. The inner SELECT walks `reminders_due_idx` (armed reminders by next
 * attempt) and locks what it takes with SKIP LOCKED, so concurrent scans split the due reminders
 * between them instead of queueing on each other; rows another scan has leased are passed over until
 * the lease runs out. The UPDATE stamps the lease in the same statement, so the claim commits at once
 * and no transaction stays open while providers are called.
 */
export function claimStatement(options: ClaimOptions, token: string): SQL {
  const now = sql`${options.now.toISOString()}::timestamptz`;
  const onlyTasks = options.taskIds ? sql`and ${inArray(reminders.task_id, options.taskIds)}` : sql``;
  return sql`
    with claimed as (
      update ${reminders}
      set lease_until = ${now} + make_interval(secs => ${options.leaseSeconds}), lease_token = ${token}::uuid
      where id in (
        select id from ${reminders}
        where status = 'scheduled'
          and next_attempt_at <= ${options.dueBy.toISOString()}::timestamptz
          and (lease_until is null or lease_until < ${now})
          ${onlyTasks}
        order by next_attempt_at
        limit ${options.limit}
        for update skip locked
      )
      returning *
    )
    select claimed.*, to_jsonb(${tasks}) as task
    from claimed join ${tasks} on ${tasks.id} = claimed.task_id`;
}

const taskTimestamps = Object.values(getTableColumns(tasks))
  .filter((column) => column.columnType === "PgTimestamp")
  .map((column) => column.name);

/** A task row that travelled as JSON: its timestamps back to Dates. */
function taskFromJson(json: Record<string, unknown>): TaskRow {
  const row: Record<string, unknown> = { ...json };
  for (const name of taskTimestamps) if (row[name] != null) row[name] = new Date(row[name] as string);
  return row as unknown as TaskRow;
}

/**
 * Claims up to `limit` due reminders for this scan with a lease. Two scans running at once never
 * claim the same reminder; a scan that dies leaves its claims to expire and be taken again.
 */
export async function claimDueReminders(db: Database, options: ClaimOptions): Promise<ClaimedBatch> {
  const token = crypto.randomUUID();
  const { rows } = await db.execute<ReminderRow & { task: Record<string, unknown> }>(claimStatement(options, token));
  return { token, reminders: rows.map((row) => ({ ...row, task: taskFromJson(row.task) })) };
}
