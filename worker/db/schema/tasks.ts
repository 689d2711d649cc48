import { sql } from "drizzle-orm";
import { check, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, version } from "./columns";
import { taskSource, taskStatus } from "./enums";

export const TITLE_MAX = 500;
export const DESCRIPTION_MAX = 10_000;

export const tasks = pgTable(
  "tasks",
  {
    id: id(),
    title: text("title").notNull(),
    description: text("description"),
    status: taskStatus("status").notNull().default("pending"),
    due_time: timestamptz("due_time"),
    source: taskSource("source").notNull().default("system"),
    created_at: createdAt(),
    updated_at: timestamptz("updated_at").notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    // The API validates these bounds too; the database refuses a row that slipped past it.
    check("tasks_title_length", sql`char_length(${t.title}) between 1 and ${sql.raw(String(TITLE_MAX))}`),
    check("tasks_description_length", sql`char_length(${t.description}) <= ${sql.raw(String(DESCRIPTION_MAX))}`),
    // GET /tasks without filters: newest first, keyset-paginated on (created_at, id).
    index("tasks_created_idx").on(t.created_at.desc(), t.id.desc()),
    // GET /tasks?status=…: the filter agents use most ("what is pending?").
    index("tasks_status_created_idx").on(t.status, t.created_at.desc(), t.id.desc()),
    // GET /tasks?due_before=…&due_after=…: range scans on due time; tasks without one never match.
    index("tasks_due_idx").on(t.due_time).where(sql`${t.due_time} is not null`),
  ],
);

export type TaskRow = typeof tasks.$inferSelect;
