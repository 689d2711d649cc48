import { and, desc, eq, getTableColumns, lt, type SQL, sql } from "drizzle-orm";
import { type ReminderRow, reminders, tasks } from "../db/schema";
import { InvalidInputError, NotFoundError } from "./errors";
import { decodeCursor, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, txid, versionMatches } from "./store";

export type NewReminder = Pick<ReminderRow, "task_id" | "remind_at" | "channel">;
export type ReminderChanges = Partial<Pick<ReminderRow, "remind_at" | "channel">>;

export interface ReminderFilters {
  task_id?: string;
  sent?: boolean;
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
  // INSERT … SELECT FROM tasks: a missing task yields no row (a clear 422) instead of an FK error.
  const inserted = await store.db
    .execute<ReminderRow & { txid: string }>(sql`
      insert into ${reminders} (task_id, remind_at, channel)
      select ${tasks.id}, ${input.remind_at.toISOString()}::timestamptz, ${input.channel}::reminder_channel
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

/** Moving `remind_at` is a snooze: the reminder is armed again even if it was already sent. */
export async function updateReminder(store: Store, id: string, changes: ReminderChanges, expectedVersion?: number) {
  const [row] = await store.db
    .update(reminders)
    .set({
      ...changes,
      ...(changes.remind_at ? { sent: false } : {}),
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
