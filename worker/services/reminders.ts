import { and, eq, getTableColumns, lt, type SQL, sql } from "drizzle-orm";
import { rowFromDriver } from "../db/rows";
import { type ReminderRow, reminders, tasks } from "../db/schema";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { after, type Keyset, newestFirst, page } from "./pagination";
import { recipientProblem } from "./recipients";
import { currentTxid, missingOrStale, type Store, txid, versionMatches } from "./store";

/** A reminder as the API shows it: with its task's time zone, so every time it carries has one. */
export type ReminderView = ReminderRow & { timezone: string };

/** Exactly one of `remind_at` (an instant) and `offset_minutes` (from the task's due) is set. */
export type NewReminder = Pick<ReminderRow, "task_id" | "channel"> & {
  recipient?: string | null;
  remind_at?: Date;
  offset_minutes?: number;
};
export type ReminderChanges = Partial<Pick<ReminderRow, "remind_at" | "offset_minutes" | "channel" | "recipient">>;

export interface ReminderFilters {
  task_id?: string;
  sent?: boolean;
  status?: ReminderRow["status"] | "due";
  delivery_state?: NonNullable<ReminderRow["delivery_state"]>;
  channel?: ReminderRow["channel"];
  due_before?: Date;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(reminders);
const withZone = { ...columns, timezone: tasks.timezone };
const FOREIGN_KEY_VIOLATION = "23503";
const byCreation: Keyset<ReminderView> = {
  time: reminders.created_at,
  id: reminders.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

const noSuchTask = (taskId: string) =>
  new InvalidInputError(`No task with id '${taskId}'; create the task first.`, [
    { path: "task_id", location: "body", message: "does not name an existing task" },
  ]);

const taskWithoutDue = () =>
  new InvalidInputError("The task has no due, so a reminder cannot be relative to it; give remind_at instead.", [
    { path: "offset_minutes", location: "body", message: "the task has no due_time or due_date to count from" },
  ]);

/** When a relative reminder fires: its task's reminder anchor plus the offset. */
const relativeTo = (anchor: SQL | typeof tasks.reminder_anchor, offsetMinutes: SQL | number) =>
  sql`${anchor} + make_interval(mins => ${offsetMinutes}::int)`;

/** @throws InvalidInputError when the task does not exist, or has no due for a relative reminder. */
export async function createReminder(store: Store, input: NewReminder): Promise<ReminderView> {
  const offset = input.offset_minutes ?? null;
  const at = input.remind_at
    ? sql`${input.remind_at.toISOString()}::timestamptz`
    : relativeTo(sql`task.reminder_anchor`, offset ?? 0);
  // INSERT … SELECT FROM the task: a missing task, or a relative reminder on a task without a due,
  // yields no row (a clear 422) instead of an FK or NOT NULL error.
  const { rows } = await store.db
    .execute<Record<string, unknown>>(sql`
      with task as (select id, reminder_anchor, timezone from ${tasks} where ${tasks.id} = ${input.task_id}),
      inserted as (
        insert into ${reminders} (task_id, remind_at, next_attempt_at, offset_minutes, channel, recipient)
        select id, at, at, ${offset}::int, ${input.channel}::reminder_channel, ${input.recipient ?? null}
        from (select id, ${at} as at from task) due where at is not null
        returning *
      )
      select inserted.*, task.timezone, ${txid} as txid from task left join inserted on true`)
    .catch((err: { code?: string; cause?: { code?: string } }) => {
      // The task was deleted between the SELECT and the INSERT's foreign-key check.
      if ((err.cause?.code ?? err.code) === FOREIGN_KEY_VIOLATION) throw noSuchTask(input.task_id);
      throw err;
    });
  const row = rows[0];
  if (!row) throw noSuchTask(input.task_id);
  if (row.id === null) throw taskWithoutDue();
  store.onCommitted(row.txid as string);
  return { ...rowFromDriver(reminders, row), timezone: row.timezone as string };
}

/** @throws NotFoundError */
export async function getReminder(store: Store, { id }: { id: string }): Promise<ReminderView> {
  const [row] = await store.db
    .select(withZone)
    .from(reminders)
    .innerJoin(tasks, eq(tasks.id, reminders.task_id))
    .where(eq(reminders.id, id));
  if (!row) throw new NotFoundError("reminder", id);
  return row;
}

/**
 * Newest first; `due_before` (exclusive) selects reminders whose time comes before it.
 * @throws InvalidInputError for a cursor this API did not issue.
 */
export async function listReminders(store: Store, filters: ReminderFilters) {
  const where: (SQL | undefined)[] = [
    filters.task_id ? eq(reminders.task_id, filters.task_id) : undefined,
    filters.sent !== undefined ? eq(reminders.sent, filters.sent) : undefined,
    filters.channel && eq(reminders.channel, filters.channel),
    filters.delivery_state && eq(reminders.delivery_state, filters.delivery_state),
    filters.status === "due"
      ? sql`${reminders.status} = 'scheduled' and ${reminders.next_attempt_at} <= now()`
      : filters.status && eq(reminders.status, filters.status),
    filters.due_before && lt(reminders.remind_at, filters.due_before),
    after(byCreation, filters.cursor),
  ];
  const rows = await store.db
    .select(withZone)
    .from(reminders)
    .innerJoin(tasks, eq(tasks.id, reminders.task_id))
    .where(and(...where))
    .orderBy(...newestFirst(byCreation))
    .limit(filters.limit + 1);
  return page(byCreation, rows, filters.limit);
}

/**
 * The columns that (re-)arm a reminder for `remindAt`: due then, no attempts yet, no error, nothing
 * delivered, and any scan's claim released (a scan still delivering the old time finds its lease
 * gone and records nothing). It is a new firing, so its lateness is decided again at its first attempt.
 */
export function armAt(remindAt: Date | SQL) {
  return {
    remind_at: remindAt,
    next_attempt_at: remindAt,
    status: "scheduled" as const,
    sent_at: null,
    delivery_state: null,
    delivered_at: null,
    provider_message_id: null,
    attempts: 0,
    first_attempt_at: null,
    last_error: null,
    lease_until: null,
    lease_token: null,
  };
}

/**
 * A PATCH that changes only the channel or only the recipient is checked against the stored other half
 * (the request schema checks the pair when both are sent). A concurrent PATCH could slip between this
 * read and the update; the provider then refuses the recipient and the reminder fails with its message.
 */
async function assertRecipientSuits(store: Store, id: string, changes: ReminderChanges) {
  if ((changes.channel === undefined) === (changes.recipient === undefined)) return;
  const stored = await getReminder(store, { id });
  const recipient = changes.recipient === undefined ? stored.recipient : changes.recipient;
  const message = recipientProblem(changes.channel ?? stored.channel, recipient);
  if (message) {
    throw new InvalidInputError(`Invalid body field 'recipient': ${message}`, [
      { path: "recipient", location: "body", message },
    ]);
  }
}

/**
 * Moving `remind_at` makes the reminder absolute; setting `offset_minutes` makes it relative to its
 * task's due. Either re-arms it, even if it was already sent or failed.
 * @throws NotFoundError; PreconditionFailedError (stale version); InvalidInputError (a recipient
 * that does not suit the channel, or an offset on a task without a due).
 */
export async function updateReminder(
  store: Store,
  { id, changes, expectedVersion }: { id: string; changes: ReminderChanges; expectedVersion?: number },
) {
  await assertRecipientSuits(store, id, changes);
  const { remind_at, offset_minutes, ...fields } = changes;
  const arm =
    remind_at !== undefined
      ? { ...armAt(remind_at), offset_minutes: null }
      : offset_minutes !== undefined && offset_minutes !== null
        ? { ...armAt(relativeTo(tasks.reminder_anchor, offset_minutes)), offset_minutes }
        : {};
  const [row] = await store.db
    .update(reminders)
    .set({ ...fields, ...arm, version: sql`${reminders.version} + 1` })
    .from(tasks)
    .where(
      and(
        eq(reminders.id, id),
        eq(tasks.id, reminders.task_id),
        versionMatches(reminders.version, expectedVersion),
        offset_minutes !== undefined ? sql`${tasks.reminder_anchor} is not null` : undefined,
      ),
    )
    .returning({ ...withZone, txid: currentTxid });
  if (!row) {
    const failure = await missingOrStale(store, { table: reminders, entity: "reminder", id, expectedVersion });
    if (offset_minutes !== undefined && failure instanceof NotFoundError) {
      const [exists] = await store.db.select({ id: reminders.id }).from(reminders).where(eq(reminders.id, id));
      if (exists) throw taskWithoutDue();
    }
    throw failure;
  }
  const { txid, ...reminder } = row;
  store.onCommitted(txid);
  return reminder;
}

/**
 * Snooze: fire again at `until`. Only a reminder that has fired (sent, failed, skipped or missed) or
 * is due now can be snoozed; one still waiting for its time is moved with PATCH instead. A relative reminder stays
 * relative: the snooze moves this firing, and the task's next due re-arms it as before.
 * @throws NotFoundError, or ConflictError when it has not fired yet.
 */
export async function snoozeReminder(store: Store, { id, until }: { id: string; until: Date }): Promise<ReminderView> {
  const [row] = await store.db
    .update(reminders)
    .set({ ...armAt(until), version: sql`${reminders.version} + 1` })
    .from(tasks)
    .where(
      and(
        eq(reminders.id, id),
        eq(tasks.id, reminders.task_id),
        // Conditional on its state, so a snooze racing the scan's delivery cannot re-arm a reminder
        // that has not fired yet.
        sql`(${reminders.status} <> 'scheduled' or ${reminders.next_attempt_at} <= now())`,
      ),
    )
    .returning({ ...withZone, txid: currentTxid });
  if (!row) {
    await getReminder(store, { id });
    throw new ConflictError(
      `The reminder '${id}' has not fired yet; move it with PATCH /reminders/${id} (remind_at) instead of snoozing.`,
    );
  }
  const { txid, ...reminder } = row;
  store.onCommitted(txid);
  return reminder;
}

/** @throws NotFoundError, or PreconditionFailedError when `expectedVersion` (If-Match) is stale. */
export async function deleteReminder(store: Store, { id, expectedVersion }: { id: string; expectedVersion?: number }) {
  const [row] = await store.db
    .delete(reminders)
    .where(and(eq(reminders.id, id), versionMatches(reminders.version, expectedVersion)))
    .returning({ txid: currentTxid });
  if (!row) throw await missingOrStale(store, { table: reminders, entity: "reminder", id, expectedVersion });
  store.onCommitted(row.txid);
}
