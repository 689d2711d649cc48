import { and, eq } from "drizzle-orm";
import { type TaskCompletionRow, taskCompletions } from "../db/schema";
import { after, type Keyset, newestFirst, page } from "./pagination";
import type { Store } from "./store";
import { getTask } from "./tasks";

export interface CompletionFilters {
  task_id: string;
  limit: number;
  cursor?: string;
}

const byCompletion: Keyset<TaskCompletionRow> = {
  time: taskCompletions.completed_at,
  id: taskCompletions.id,
  positionOf: (row) => ({ at: row.completed_at, id: row.id }),
};

/**
 * A task's completions, newest first: one per completed occurrence of a recurring task. A task
 * that does not exist is a 404, checked only when there is nothing to show.
 * @throws NotFoundError; InvalidInputError for a cursor this API did not issue.
 */
export async function listCompletions(store: Store, filters: CompletionFilters) {
  const rows = await store.db
    .select()
    .from(taskCompletions)
    .where(and(eq(taskCompletions.task_id, filters.task_id), after(byCompletion, filters.cursor)))
    .orderBy(...newestFirst(byCompletion))
    .limit(filters.limit + 1);
  if (rows.length === 0 && !filters.cursor) await getTask(store, { id: filters.task_id });
  return page(byCompletion, rows, filters.limit);
}
