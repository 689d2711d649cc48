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

/** The columns of `table` but `hidden` (a table's `*_INTERNAL`): a select of what the API may show. */
export function shownColumns<T extends Table, H extends Readonly<Record<string, true>>>(table: T, hidden: H) {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => !(key in hidden));
  return Object.fromEntries(columns) as Omit<T["_"]["columns"], keyof H>;
}
