import { getTableColumns, type Table } from "drizzle-orm";

/**
 * A row of `table` from a raw statement (CTEs that drizzle's builders cannot express), decoded the
 * way drizzle decodes its own queries: timestamps become Dates, dates stay strings.
 */
export function rowFromDriver<T extends Table>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T["$inferSelect"];
}
