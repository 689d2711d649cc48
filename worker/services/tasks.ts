import { and, desc, eq, getTableColumns, gte, lt, type SQL, sql } from "drizzle-orm";
import { type TaskRow, tasks } from "../db/schema";
import { NotFoundError } from "./errors";
import { decodeCursor, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, versionMatches } from "./store";
import { planSchedule, type ScheduleInput, type TimeSettings } from "./task-schedule";

export type NewTask = Pick<typeof tasks.$inferInsert, "title" | "description" | "status" | "source"> & ScheduleInput;
export type TaskChanges = Partial<Pick<TaskRow, "title" | "description" | "status" | "source">> & ScheduleInput;

export interface TaskFilters {
  status?: TaskRow["status"];
  source?: TaskRow["source"];
  due_before?: Date;
  due_after?: Date;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(tasks);

export async function createTask(store: Store, input: NewTask, settings: TimeSettings): Promise<TaskRow> {
  const { due_time, due_date, timezone, rrule, ...fields } = input;
  const schedule = planSchedule(undefined, { due_time, due_date, timezone, rrule }, settings);
  const [row] = await store.db
    .insert(tasks)
    .values({ ...fields, ...schedule })
    .returning({ ...columns, txid: currentTxid });
  const { txid, ...task } = row!;
  store.onCommitted(txid);
  return task;
}

export async function getTask(store: Store, id: string): Promise<TaskRow> {
  const [row] = await store.db.select().from(tasks).where(eq(tasks.id, id));
  if (!row) throw new NotFoundError("task", id);
  return row;
}

/** Newest first; `due_after` is inclusive and `due_before` exclusive, so adjacent windows never overlap. */
export async function listTasks(store: Store, filters: TaskFilters) {
  const where: (SQL | undefined)[] = [
    filters.status && eq(tasks.status, filters.status),
    filters.source && eq(tasks.source, filters.source),
    filters.due_after && gte(tasks.due_time, filters.due_after),
    filters.due_before && lt(tasks.due_time, filters.due_before),
  ];
  if (filters.cursor) {
    const after = decodeCursor(filters.cursor);
    where.push(
      sql`(${tasks.created_at}, ${tasks.id}) < (${after.created_at.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await store.db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(desc(tasks.created_at), desc(tasks.id))
    .limit(filters.limit + 1);
  return page(rows, filters.limit);
}

/** Deletes the task; its reminders go with it (ON DELETE CASCADE), and the change log records each. */
export async function deleteTask(store: Store, id: string, expectedVersion?: number) {
  const [row] = await store.db
    .delete(tasks)
    .where(and(eq(tasks.id, id), versionMatches(tasks.version, expectedVersion)))
    .returning({ txid: currentTxid });
  if (!row) throw await missingOrStale(store, tasks, "task", id, expectedVersion);
  store.onCommitted(row.txid);
}
