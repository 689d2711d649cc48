import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { type TaskCompletionRow, taskCompletions } from "../db/schema";
import { decodeCursor, page } from "./pagination";
import type { Store } from "./store";
import { getTask } from "./tasks";

export interface CompletionFilters {
  limit: number;
  cursor?: string;
}

/**
 * A task's completions, newest first: one per completed occurrence of a recurring task. A task
 * that does not exist is a 404, checked only when there is nothing to show.
 */
export async function listCompletions(store: Store, taskId: string, filters: CompletionFilters) {
  const where: (SQL | undefined)[] = [eq(taskCompletions.task_id, taskId)];
  if (filters.cursor) {
    const after = decodeCursor(filters.cursor);
    where.push(
      sql`(${taskCompletions.completed_at}, ${taskCompletions.id}) < (${after.created_at.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await store.db
    .select()
    .from(taskCompletions)
    .where(and(...where))
    .orderBy(desc(taskCompletions.completed_at), desc(taskCompletions.id))
    .limit(filters.limit + 1);
  if (rows.length === 0 && !filters.cursor) await getTask(store, taskId);
  // The keyset is (completed_at, id); the shared pager calls its time created_at.
  const { items, next_cursor } = page(
    rows.map((row) => ({ ...row, created_at: row.completed_at })),
    filters.limit,
  );
  return { items: items.map(({ created_at: _, ...row }): TaskCompletionRow => row), next_cursor };
}
