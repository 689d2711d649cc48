import { and, desc, eq, getTableColumns, lt, type SQL, sql } from "drizzle-orm";
import { type ReminderRow, reminders, tasks } from "../db/schema";
import { recipientProblem } from "../reminders/recipients";
import { InvalidInputError, NotFoundError } from "./errors";
import { decodeCursor, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, txid, versionMatches } from "./store";

export type NewReminder = Pick<ReminderRow, "task_id" | "remind_at" | "channel"> & { recipient?: string | null };
export type ReminderChanges = Partial<Pick<ReminderRow, "remind_at" | "channel" | "recipient">>;

export interface ReminderFilters {
  task_id?: string;
  sent?: boolean;
  status?: ReminderRow["status"] | "due";
  channel?: ReminderRow["channel"];
  due_before?: Date;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(reminders);
const FOREIGN_KEY_VIOLATION = "23503";

const noSuchTask = (taskId: string) =>
  new InvalidInputError(`No task with id '${taskId}'; create the task first.`, [
    { path: "task_id", location: "body", message: "does not name an existing task" },
  ]);

export async function createReminder(store: Store, input: NewReminder): Promise<ReminderRow> {
  const remindAt = input.remind_at.toISOString();
  // INSERT … SELECT FROM tasks: a missing task yields no row (a clear 422) instead of an FK error.
  const inserted = await store.db
    .execute<ReminderRow & { txid: string }>(sql`
      insert into ${reminders} (task_id, remind_at, next_attempt_at, channel, recipient)
      select ${tasks.id}, ${remindAt}::timestamptz, ${remindAt}::timestamptz, ${input.channel}::reminder_channel, ${input.recipient ?? null}
      from ${tasks} where ${tasks.id} = ${input.task_id}
      returning *, ${txid} as txid`)
    .catch((err: { code?: string; cause?: { code?: string } }) => {
      // The task was deleted between the SELECT and the INSERT's foreign-key check.
      if ((err.cause?.code ?? err.code) === FOREIGN_KEY_VIOLATION) throw noSuchTask(input.task_id);
      throw err;
    });
  const row = inserted[0];
  if (!row) throw noSuchTask(input.task_id);
  const { txid: committed, ...reminder } = row;
  store.onCommitted(committed);
  return reminder;
}

export async function getReminder(store: Store, id: string): Promise<ReminderRow> {
  const [row] = await store.db.select().from(reminders).where(eq(reminders.id, id));
  if (!row) throw new NotFoundError("reminder", id);
  return row;
}

/** Newest first; `due_before` (exclusive) selects reminders whose time comes before it. */
export async function listReminders(store: Store, filters: ReminderFilters) {
  const where: (SQL | undefined)[] = [
    filters.task_id ? eq(reminders.task_id, filters.task_id) : undefined,
    filters.sent !== undefined ? eq(reminders.sent, filters.sent) : undefined,
    filters.channel && eq(reminders.channel, filters.channel),
    filters.status === "due"
      ? sql`${reminders.status} = 'scheduled' and ${reminders.next_attempt_at} <= now()`
      : filters.status && eq(reminders.status, filters.status),
    filters.due_before && lt(reminders.remind_at, filters.due_before),
  ];
  if (filters.cursor) {
    const after = decodeCursor(filters.cursor);
    where.push(
      sql`(${reminders.created_at}, ${reminders.id}) < (${after.created_at.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await store.db
    .select()
    .from(reminders)
    .where(and(...where))
    .orderBy(desc(reminders.created_at), desc(reminders.id))
    .limit(filters.limit + 1);
  return page(rows, filters.limit);
}

/**
 * The columns that (re-)arm a reminder for `remindAt`: due then, no attempts yet, no error, and any
 * scan's claim released (a scan still delivering the old time finds its lease gone and records nothing).
 */
export function armAt(remindAt: Date) {
  return {
    remind_at: remindAt,
    next_attempt_at: remindAt,
    status: "scheduled" as const,
    sent_at: null,
    attempts: 0,
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
  const stored = await getReminder(store, id);
  const recipient = changes.recipient === undefined ? stored.recipient : changes.recipient;
  const message = recipientProblem(changes.channel ?? stored.channel, recipient);
  if (message) {
    throw new InvalidInputError(`Invalid body field 'recipient': ${message}`, [
      { path: "recipient", location: "body", message },
    ]);
  }
}

/** Moving `remind_at` is a snooze: the reminder is armed again even if it was already sent or failed. */
export async function updateReminder(store: Store, id: string, changes: ReminderChanges, expectedVersion?: number) {
  await assertRecipientSuits(store, id, changes);
  const [row] = await store.db
    .update(reminders)
    .set({
      ...changes,
      ...(changes.remind_at ? armAt(changes.remind_at) : {}),
      version: sql`${reminders.version} + 1`,
    })
    .where(and(eq(reminders.id, id), versionMatches(reminders.version, expectedVersion)))
    .returning({ ...columns, txid: currentTxid });
  if (!row) throw await missingOrStale(store, reminders, "reminder", id, expectedVersion);
  const { txid, ...reminder } = row;
  store.onCommitted(txid);
  return reminder;
}

export async function deleteReminder(store: Store, id: string, expectedVersion?: number) {
  const [row] = await store.db
    .delete(reminders)
    .where(and(eq(reminders.id, id), versionMatches(reminders.version, expectedVersion)))
    .returning({ txid: currentTxid });
  if (!row) throw await missingOrStale(store, reminders, "reminder", id, expectedVersion);
  store.onCommitted(row.txid);
}
