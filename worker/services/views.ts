import { type Column, getTableColumns, type Table } from "drizzle-orm";
import { isoInstant } from "../db/instant-range";
import {
  attachments,
  CALENDAR_FEED_INTERNAL,
  calendarFeeds,
  DELIVERY_INTERNAL,
  PROJECT_INTERNAL,
  people,
  projects,
  REMINDER_INTERNAL,
  reminders,
  TASK_INTERNAL,
  taskCompletions,
  tasks,
  WEBHOOK_INTERNAL,
  webhookDeliveries,
  webhookSubscriptions,
} from "../db/schema";

const INTERNAL = new Map<Table, Readonly<Record<string, true>>>([
  [tasks, TASK_INTERNAL],
  [reminders, REMINDER_INTERNAL],
  [webhookSubscriptions, WEBHOOK_INTERNAL],
  [webhookDeliveries, DELIVERY_INTERNAL],
  [calendarFeeds, CALENDAR_FEED_INTERNAL],
  [projects, PROJECT_INTERNAL],
]);

const shown = new Map<Table, readonly (readonly [string, Column])[]>();

/**
 * The columns of `table` that the API shows, in declaration order: every one but its internal ones.
 * One list for the JavaScript views and the SQL ones (views-json.ts), so the two cannot drift.
 */
export function viewColumns(table: Table): readonly (readonly [string, Column])[] {
  let columns = shown.get(table);
  if (!columns) {
    const internal = INTERNAL.get(table) ?? {};
    columns = Object.entries(getTableColumns(table)).filter(([key]) => !internal[key]);
    shown.set(table, columns);
  }
  return columns;
}

/**
 * Shapes a row of `table` as the API shows it: every column the table declares but its internal
 * ones, timestamps as ISO 8601 UTC (never throwing on a row older than the instant range). The same function serves rows read by drizzle (Dates) and rows
 * captured as JSON by the change-log trigger (strings in the session's time zone), so a change's
 * `data`, a room notice and a REST response show one resource the same way.
 */
export function toResource<T extends Table>(table: T, row: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, column] of viewColumns(table)) {
    const value = row[key] ?? row[column.name];
    out[key] =
      column.columnType === "PgTimestamp" && value != null ? isoInstant(value as string | Date) : (value ?? null);
  }
  return out;
}

/** A task as the API shows it. */
export const taskView = (row: Record<string, unknown>) => toResource(tasks, row);

export const projectView = (row: Record<string, unknown>) => toResource(projects, row);

export const personView = (row: Record<string, unknown>) => toResource(people, row);
/** An attachment's metadata as the API shows it; its bytes are GET /attachments/{id}. */
export const attachmentView = (row: Record<string, unknown>) => toResource(attachments, row);

/** A reminder as the API shows it, with its task's time zone (null once the task is gone). */
export const reminderView = (row: Record<string, unknown>, timezone: unknown) => ({
  ...toResource(reminders, row),
  timezone: timezone ?? null,
});

/** One completion of a task as the API shows it. */
export const completionView = (row: Record<string, unknown>) => toResource(taskCompletions, row);

/** A webhook subscription as the API shows it: never its sealed secret or lease. */
export const webhookView = (row: Record<string, unknown>) => toResource(webhookSubscriptions, row);

/** One logged webhook attempt as the API shows it, without the payload it sent. */
export const deliveryView = (row: Record<string, unknown>) => toResource(webhookDeliveries, row);
