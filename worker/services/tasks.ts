import { and, desc, eq, getTableColumns, gte, lt, type SQL, sql } from "drizzle-orm";
import { type TaskRow, tasks } from "../db/schema";
import { NotFoundError } from "./errors";
import { decodeCursor, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, versionMatches } from "./store";

export type NewTask = Pick<typeof tasks.$inferInsert, "title" | "description" | "status" | "due_time" | "source">;
export type TaskChanges = Partial<Pick<TaskRow, "title" | "description" | "status" | "due_time" | "source">>;

export interface TaskFilters {
  status?: TaskRow["status"];
  source?: TaskRow["source"];
  due_before?: Date;
  due_after?: Date;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(tasks);

export async function createTask(store: Store, input: NewTask): Promise<TaskRow> {
  const [row] = await store.db
    .insert(tasks)
    .values(input)
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

/** Applies a partial update in one statement; `expectedVersion` (from If-Match) guards against lost updates. */
export async function updateTask(store: Store, id: string, changes: TaskChanges, expectedVersion?: number) {
  const [row] = await store.db
    .update(tasks)
    .set({ ...changes, updated_at: sql`now()`, version: sql`${tasks.version} + 1` })
    .where(and(eq(tasks.id, id), versionMatches(tasks.version, expectedVersion)))
    .returning({ ...columns, txid: currentTxid });
  if (!row) throw await missingOrStale(store, tasks, "task", id, expectedVersion);
  const { txid, ...task } = row;
  store.onCommitted(txid);
  return task;
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
