import { date, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { tasks } from "./tasks";

/**
 * One row per completion of a task. A recurring task goes back to pending at its next occurrence
 * when completed, so this is where each completed occurrence is remembered (the change log is pruned).
 */
export const taskCompletions = pgTable(
  "task_completions",
  {
    id: id(),
    task_id: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** The occurrence of the series that was completed; null for a task that does not recur. */
    occurrence: integer("occurrence"),
    /** The due the task had when it was completed. */
    due_time: timestamptz("due_time"),
    due_date: date("due_date", { mode: "string" }),
    /** The task's zone when it was completed, so the record reads the same after the task moves zone. */
    timezone: text("timezone").notNull(),
    completed_at: timestamptz("completed_at").notNull().defaultNow(),
  },
  (t) => [
    // GET /tasks/{id}/completions, newest first; and the cascade when a task is deleted.
    index("task_completions_task_idx").on(t.task_id, t.completed_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export type TaskCompletionRow = typeof taskCompletions.$inferSelect;
