import { getTableColumns, type Table } from "drizzle-orm";

/**
 * Shapes a row of `table` as the API shows it: every column the table declares (minus `hidden`),
 * timestamps as ISO 8601 UTC. The same function serves rows read by drizzle (Dates) and rows
 * captured as JSON by the change-log trigger (strings in the session's time zone).
 */
export function toResource<T extends Table>(table: T, row: Record<string, unknown>, hidden: readonly string[] = []) {
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
