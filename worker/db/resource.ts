import { getTableColumns, type Table } from "drizzle-orm";
import { reminders, tasks } from "./schema";

/** Columns that are bookkeeping, not API: a scan's lease; a series' local slot and reminder anchor. */
const HIDDEN = new Map<Table, readonly string[]>([
  [tasks, ["occurrence_local", "reminder_anchor"]],
  [reminders, ["lease_until", "lease_token"]],
]);

/**
 * Shapes a row of `table` as the API shows it: every column the table declares but its hidden
 * ones, timestamps as ISO 8601 UTC. The same function serves rows read by drizzle (Dates) and rows
 * captured as JSON by the change-log trigger (strings in the session's time zone), so a change's
 * `data` is exactly the REST resource.
 */
export function toResource<T extends Table>(table: T, row: Record<string, unknown>) {
  const hidden = HIDDEN.get(table) ?? [];
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (hidden.includes(key)) continue;
    const value = row[key] ?? row[column.name];
    out[key] =
      column.columnType === "PgTimestamp" && value != null
        ? new Date(value as string | Date).toISOString()
        : (value ?? null);
  }
  return out;
}

/** A task as the API shows it. */
export const taskResource = (row: Record<string, unknown>) => toResource(tasks, row);

/** A reminder as the API shows it, with its task's time zone (null once the task is gone). */
export const reminderResource = (row: Record<string, unknown>, timezone: unknown) => ({
  ...toResource(reminders, row),
  timezone: timezone ?? null,
});
