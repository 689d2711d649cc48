import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { dateInRange, instantInRange } from "../instant-range";
import { createdAt, id, timestamptz, version } from "./columns";
import { taskSource, taskStatus } from "./enums";
import { people } from "./people";
import { projects } from "./projects";

export const TITLE_MAX = 500;
export const DESCRIPTION_MAX = 10_000;
export const RRULE_MAX = 500;
/** Labels per task, and characters per label. */
export const LABELS_MAX = 20;
export const LABEL_MAX = 50;

export const tasks = pgTable(
  "tasks",
  {
    id: id(),
    title: text("title").notNull(),
    description: text("description"),
    status: taskStatus("status").notNull().default("pending"),
    /** When the task is due; for an all-day task, the start (local midnight) of its due_date. */
    due_time: timestamptz("due_time"),
    /** The due of an all-day task: a date in `timezone`, shown without a time. */
    due_date: date("due_date", { mode: "string" }),
    all_day: boolean("all_day").notNull().generatedAlwaysAs(sql`due_date is not null`),
    /** IANA name; dates, recurrence and the all-day reminder hour are read in this zone. */
    timezone: text("timezone").notNull().default("UTC"),
    /** RFC 5545 RRULE value, expanded in `timezone`'s wall-clock time from the task's due. */
    rrule: text("rrule"),
    /** Which occurrence of the series the due stands for: 1 is the first (the due the rule was set on). */
    occurrence: integer("occurrence"),
    /** That occurrence as local wall-clock time; moving the due alone keeps it. Not part of the API. */
    occurrence_local: timestamp("occurrence_local", { precision: 0, mode: "string" }),
    /**
     * What relative reminders count from: due_time, or for an all-day task ALL_DAY_REMINDER_HOUR
     * local on its due_date. Not part of the API.
     */
    reminder_anchor: timestamptz("reminder_anchor"),
    source: taskSource("source").notNull().default("system"),
    /**
     * The project it belongs to, if any. NO ACTION, not RESTRICT: checked at the end of the statement,
     * so deleting a project can move its tasks in the same statement (services/projects.ts).
     */
    project_id: uuid("project_id").references(() => projects.id),
    /**
     * Who it is assigned to, if anyone. NO ACTION for the same reason as project_id: deleting a
     * person reassigns their tasks in the same statement (services/people.ts).
     */
    assignee_id: uuid("assignee_id").references(() => people.id),
    /** Labels as first written, at most one per case-insensitive spelling (services/labels.ts). */
    labels: text("labels").array().notNull().default(sql`'{}'::text[]`),
    /** The labels case-folded, in the same order: what filters match. Not part of the API. */
    label_keys: text("label_keys").array().notNull().default(sql`'{}'::text[]`),
    created_at: createdAt(),
    updated_at: timestamptz("updated_at").notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    // The API validates these bounds too; the database refuses a row that slipped past it.
    check("tasks_title_length", sql`char_length(${t.title}) between 1 and ${sql.raw(String(TITLE_MAX))}`),
    check("tasks_description_length", sql`char_length(${t.description}) <= ${sql.raw(String(DESCRIPTION_MAX))}`),
    check("tasks_all_day_has_time", sql`${t.due_date} is null or ${t.due_time} is not null`),
    check("tasks_anchor_follows_due", sql`(${t.reminder_anchor} is null) = (${t.due_time} is null)`),
    check(
      "tasks_series_has_position",
      sql`${t.rrule} is null or (${t.due_time} is not null and ${t.occurrence} >= 1 and ${t.occurrence_local} is not null)`,
    ),
    // The instant range (db/instant-range.ts): a row outside it could not be read back by every client.
    check("tasks_due_time_range", instantInRange(t.due_time)),
    check("tasks_due_date_range", dateInRange(t.due_date)),
    check("tasks_reminder_anchor_range", instantInRange(t.reminder_anchor)),
    check("tasks_labels_count", sql`cardinality(${t.labels}) <= ${sql.raw(String(LABELS_MAX))}`),
    check("tasks_label_keys_match", sql`cardinality(${t.label_keys}) = cardinality(${t.labels})`),
    // GET /tasks?label=a&label=b: `label_keys @> {a,b}`, answered from the index, not a scan.
    index("tasks_label_keys_idx").using("gin", t.label_keys),
    // GET /tasks?project=…, and the check that a project being deleted holds no tasks.
    index("tasks_project_created_idx")
      .on(t.project_id, t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.project_id} is not null`),
    // GET /tasks?assignee=…, GET /agenda?assignee=…, and the check that a person being deleted has no tasks.
    index("tasks_assignee_created_idx")
      .on(t.assignee_id, t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.assignee_id} is not null`),
    // GET /tasks without filters: newest first, keyset-paginated on (created_at, id).
    index("tasks_created_idx").on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /tasks?status=…: the filter agents use most ("what is pending?").
    index("tasks_status_created_idx").on(t.status, t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // GET /tasks?due_before=…&due_after=…: range scans on due time; tasks without one never match.
    index("tasks_due_idx").on(t.due_time).where(sql`${t.due_time} is not null`),
    // GET /tasks?q=…: case-insensitive substring match on titles (ILIKE '%…%'), which only trigrams can serve.
    index("tasks_title_trgm_idx").using("gin", t.title.op("gin_trgm_ops")),
  ],
);

export type TaskRow = typeof tasks.$inferSelect;

/** Bookkeeping that the API never shows: a series' local slot, its reminders' anchor, and the labels' match keys. */
export const TASK_INTERNAL = { occurrence_local: true, reminder_anchor: true, label_keys: true } as const;
