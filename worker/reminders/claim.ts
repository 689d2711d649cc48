import { getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { rowFromDriver } from "../db/rows";
import { people, type ReminderRow, reminders, type TaskRow, tasks } from "../db/schema";
import { formatDuration, type Lateness } from "./message";

/** A claimed reminder with the task it is about, which the message is made from. */
export interface DueReminder extends ReminderRow {
  task: TaskRow;
  /** Set by the scan when the firing's first attempt came more than REMINDER_LATE_AFTER_S after its time. */
  late?: Lateness;
}

export interface ClaimedBatch {
  /** Proof of this claim: an outcome is recorded only while the reminder still carries it. */
  token: string;
  /** Leased to this scan, to deliver. */
  reminders: DueReminder[];
  /** Found too late and marked `missed` by the claim itself, with their tasks (for the room's notice). */
  missed: DueReminder[];
  /** Marked `skipped` by the claim: their tasks were no longer pending. */
  skipped: number;
  /** The claim's transaction, when it wrote a change (a skip or a miss) that clients need to see. */
  txid?: string;
}

export interface ClaimOptions {
  /** Reminders whose next attempt falls at or before this instant are due. */
  dueBy: Date;
  /** The claiming scan's clock; the lease runs from it. */
  now: Date;
  limit: number;
  leaseSeconds: number;
  /** A reminder whose time is further than this before `now` is marked missed instead; unset: never. */
  missedAfterSeconds?: number;
  /** Only these tasks' reminders: lets tests (or an operator re-driving one task) leave the rest alone. */
  taskIds?: string[];
}

/**
 * The claim as one statement. The inner SELECT walks `reminders_due_idx` (armed reminders by next
 * attempt) joined to their tasks and locks the reminders it takes with SKIP LOCKED, so concurrent
 * scans split the due reminders between them instead of queueing on each other; rows another scan
 * has leased are passed over until the lease runs out. The UPDATE, in the same statement, settles
 * each one:
 * - its task is no longer pending: `skipped`, with the task's status as the reason (a change);
 * - its time is more than `missedAfterSeconds` ago: `missed`, never sent (a change);
 * - otherwise: leased to this scan (bookkeeping, no change), and stamped with the firing's first
 *   attempt unless an earlier attempt of this firing already was: its lateness is decided once.
 * Each row comes back with its task and the handle of the task's assignee for its channel, which
 * stands in for a missing recipient (a join in the same statement: no extra round trip).
 * The task's status is read as committed when the statement starts; the scan looks again just before
 * each provider call (recheck.ts), since a completion can commit in between. The claim commits at
 * once: no transaction stays open while providers are called.
 */
export function claimStatement(options: ClaimOptions, token: string): SQL {
  const now = sql`${options.now.toISOString()}::timestamptz`;
  const onlyTasks = options.taskIds ? sql`and ${inArray(reminders.task_id, options.taskIds)}` : sql``;
  const missedBefore =
    options.missedAfterSeconds === undefined
      ? sql`null::timestamptz`
      : sql`${now} - make_interval(secs => ${options.missedAfterSeconds})`;
  const missedReason =
    options.missedAfterSeconds === undefined
      ? ""
      : `missed: not sent, the scan reached it more than ${formatDuration(options.missedAfterSeconds)} after its time (REMINDER_MISSED_AFTER_S)`;
  return sql`
    with candidates as (
      select ${reminders.id} as id, ${tasks.status}::text as task_status,
        coalesce(${reminders.remind_at} < ${missedBefore}, false) as too_late
      from ${reminders} join ${tasks} on ${tasks.id} = ${reminders.task_id}
      where ${reminders.status} = 'scheduled'
        and ${reminders.next_attempt_at} <= ${options.dueBy.toISOString()}::timestamptz
        and (${reminders.lease_until} is null or ${reminders.lease_until} < ${now})
        ${onlyTasks}
      order by ${reminders.next_attempt_at}
      limit ${options.limit}
      for update of ${reminders} skip locked
    ),
    settled as (
      select id, task_status, too_late, task_status = 'pending' and not too_late as deliver from candidates
    ),
    claimed as (
      update ${reminders}
      set status = case when s.task_status <> 'pending' then 'skipped' when s.too_late then 'missed'
                   else ${reminders.status} end,
        last_error = case when s.task_status <> 'pending' then 'task ' || s.task_status
                     when s.too_late then ${missedReason} || coalesce(' (last error: ' || ${reminders.last_error} || ')', '')
                     else ${reminders.last_error} end,
        version = ${reminders.version} + case when s.deliver then 0 else 1 end,
        lease_until = case when s.deliver then ${now} + make_interval(secs => ${options.leaseSeconds}) end,
        lease_token = case when s.deliver then ${token}::uuid end,
        first_attempt_at = case when s.deliver then coalesce(${reminders.first_attempt_at}, ${now})
                           else ${reminders.first_attempt_at} end
      from settled s
      where ${reminders.id} = s.id
      returning ${reminders}.*, s.deliver
    )
    select claimed.*, to_jsonb(${tasks}) as task, pg_current_xact_id()::text as txid,
      case claimed.channel when 'telegram' then ${people.telegram_chat_id}
        when 'whatsapp' then ${people.whatsapp_number} end as assignee_handle
    from claimed join ${tasks} on ${tasks.id} = claimed.task_id
      left join ${people} on ${people.id} = ${tasks.assignee_id}`;
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

type ClaimedRow = Record<string, unknown> & {
  task: Record<string, unknown>;
  deliver: boolean;
  txid: string;
  assignee_handle: string | null;
};

/**
 * Claims up to `limit` due reminders for this scan with a lease, settling on the way those whose
 * task is done (`skipped`) or whose time is long past (`missed`). Two scans running at once never
 * claim the same reminder; a scan that dies leaves its claims to expire and be taken again.
 */
export async function claimDueReminders(db: Database, options: ClaimOptions): Promise<ClaimedBatch> {
  const token = crypto.randomUUID();
  const { rows } = await db.execute<ClaimedRow>(claimStatement(options, token));
  const batch: ClaimedBatch = { token, reminders: [], missed: [], skipped: 0 };
  for (const { deliver, txid, task, assignee_handle, ...row } of rows) {
    const reminder = { ...rowFromDriver(reminders, row), task: taskFromJson(task) };
    // Who it goes to: its own recipient, else its task's assignee on this channel; the channel's
    // default comes after both (channels/*). Only the copy being delivered says so, not the row.
    if (deliver) batch.reminders.push({ ...reminder, recipient: reminder.recipient ?? assignee_handle });
    else {
      batch.txid = txid;
      if (reminder.status === "missed") batch.missed.push(reminder);
      else batch.skipped++;
    }
  }
  // The statement returns in no particular order; deliver the longest-due first.
  batch.reminders.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime());
  return batch;
}
