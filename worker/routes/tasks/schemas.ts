import {
  DESCRIPTION_MAX,
  LABEL_MAX,
  LABELS_MAX,
  RRULE_MAX,
  TASK_INTERNAL,
  TITLE_MAX,
  taskCompletions,
  taskSource,
  taskStatus,
  tasks,
} from "../../db/schema";
import {
  clearable,
  createInsertSchema,
  createSelectSchema,
  cursor,
  dateInput,
  limit,
  page,
  rruleInput,
  text,
  timestampInput,
  timestampOutput,
  timeZoneInput,
} from "../../http/fields";
import { z } from "../../http/zod";
import { CreateReminder, Reminder, recipientSuitsChannel } from "../reminders/schemas";

/** One label as written: 1–50 characters, trimmed. */
const label = () => text(1, LABEL_MAX).openapi({ example: "home" });

/** `?assignee=`: a person's id, or `none`. */
export const assigneeFilter = (what: string) =>
  z
    .union([z.literal("none"), z.uuid()])
    .optional()
    .openapi({ description: `Only ${what} assigned to this person (their id), or \`none\` for unassigned ones.` });

export const Task = createSelectSchema(tasks, {
  labels: z
    .array(z.string())
    .openapi({ description: "Its labels as first written; matched case-insensitively.", example: ["home", "Errands"] }),
  due_time: timestampOutput()
    .nullable()
    .openapi({ description: "When the task is due (UTC). For an all-day task: local midnight of due_date." }),
  due_date: z.iso.date().nullable().openapi({ description: "Set only for an all-day task.", example: "2026-03-01" }),
  timezone: z
    .string()
    .openapi({ description: "IANA zone of the task's dates and recurrence.", example: "Europe/Berlin" }),
  rrule: z.string().nullable().openapi({ example: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0" }),
  occurrence: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "Which occurrence of the series the due is (1 = first); null when not recurring." }),
  created_at: timestampOutput(),
  updated_at: timestampOutput(),
})
  .omit(TASK_INTERNAL)
  .openapi("Task");

/**
 * drizzle-zod makes nullable insert columns optional at run time, but its types leave them required;
 * `nullish()` says so in the types too, so `z.input` (and the typed client) match what is accepted.
 */
const writable = {
  title: () => text(1, TITLE_MAX).openapi({ example: "Review pull requests" }),
  description: () => text(0, DESCRIPTION_MAX).nullish().openapi({ example: "Check and merge pending PRs" }),
  due_time: () => clearable(timestampInput()),
  due_date: () => clearable(dateInput()),
  // Optional: the column defaults to UTC (see the nullish note above).
  timezone: () => timeZoneInput().optional(),
  rrule: () => clearable(rruleInput(RRULE_MAX)),
  project_id: () =>
    z.uuid().nullish().openapi({ description: "The project it belongs to (GET /projects); null: none." }),
  assignee_id: () =>
    z.uuid().nullish().openapi({
      description:
        "The person it is assigned to (GET /people); null: no one. Its reminders without a recipient go to their handle for the channel.",
    }),
  labels: () =>
    z
      .array(label())
      .max(LABELS_MAX)
      .optional()
      .openapi({
        description: `At most ${LABELS_MAX} labels of 1–${LABEL_MAX} characters; spellings that differ only in case are one label (the first is kept). Replaces the task's labels.`,
      }),
};

const taskFields = createInsertSchema(tasks, writable).pick({
  title: true,
  description: true,
  status: true,
  due_time: true,
  due_date: true,
  timezone: true,
  rrule: true,
  source: true,
  project_id: true,
  assignee_id: true,
  labels: true,
}).shape;

/** A due is an instant (due_time) or, for an all-day task, a date (due_date): never both. */
function oneKindOfDue(value: { due_time?: unknown; due_date?: unknown }, ctx: z.RefinementCtx) {
  if (value.due_time !== undefined && value.due_date !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["due_date"],
      message: "send due_time (an instant) or due_date (an all-day date), not both",
    });
  }
}

export const CreateTask = z.strictObject(taskFields).superRefine(oneKindOfDue).openapi("CreateTask");

export const UpdateTask = z
  .strictObject(z.object(taskFields).partial().shape)
  .superRefine(oneKindOfDue)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateTask");

export const TaskListQuery = z.strictObject({
  status: z.enum(taskStatus.enumValues).optional().openapi({ description: "Only tasks with this status." }),
  source: z.enum(taskSource.enumValues).optional().openapi({ description: "Only tasks from this source." }),
  project: z
    .union([z.literal("none"), z.uuid()])
    .optional()
    .openapi({ description: "Only tasks of this project (its id), or `none` for tasks without one." }),
  assignee: assigneeFilter("tasks"),
  // One `label` arrives as a string, several as an array (Hono's query parsing).
  label: z
    .preprocess((v) => (typeof v === "string" ? [v] : v), z.array(label()).max(LABELS_MAX))
    .optional()
    .openapi({
      description: "Only tasks with this label (case-insensitive); repeat it for tasks with all of them.",
      param: { style: "form", explode: true },
    }),
  due_before: timestampInput().optional().openapi({ description: "Only tasks due before this instant (exclusive)." }),
  due_after: timestampInput().optional().openapi({ description: "Only tasks due at or after this instant." }),
  q: text(1, TITLE_MAX)
    .optional()
    .openapi({ description: "Only tasks whose title contains this text, ignoring case.", example: "dentist" }),
  limit: limit(),
  cursor: cursor(),
});

export const TaskPage = page(Task).openapi("TaskPage");

export const TaskCompletion = createSelectSchema(taskCompletions, {
  occurrence: z.number().int().nullable().openapi({ description: "The occurrence completed; null if not recurring." }),
  due_time: timestampOutput().nullable().openapi({ description: "The due it had when completed." }),
  due_date: z.iso.date().nullable(),
  timezone: z.string().openapi({ description: "The task's IANA time zone when it was completed." }),
  completed_at: timestampOutput(),
}).openapi("TaskCompletion");

export const CompletionListQuery = z.strictObject({ limit: limit(), cursor: cursor() });

export const TaskCompletionPage = page(TaskCompletion).openapi("TaskCompletionPage");

export const QuickAdd = z
  .strictObject({
    text: text(1, TITLE_MAX).openapi({
      description:
        "The task as a person would say it, in English: its due (a date, a time, or both) and, optionally, `remind me` (at the due), `remind me 1 hour before`, or `remind me to …`.",
      example: "call the dentist tomorrow at 9, remind me 1 hour before",
    }),
    timezone: timeZoneInput()
      .optional()
      .openapi({ description: "IANA zone the text's dates and times are meant in, and the task's zone; default UTC." }),
    channel: CreateReminder.shape.channel
      .optional()
      .openapi({ description: "Where the reminder goes, if the text asks for one; default `ui`." }),
    recipient: CreateReminder.shape.recipient,
  })
  .superRefine(recipientSuitsChannel)
  .openapi("QuickAdd");

export const QuickAdded = z
  .object({
    task: Task,
    reminder: Reminder.nullable().openapi({ description: "The reminder the text asked for; null if none." }),
    understood: z
      .object({
        due_text: z
          .string()
          .nullable()
          .openapi({ description: "The words read as the due; null if none.", example: "tomorrow at 9" }),
        due_local: z.string().nullable().openapi({
          description:
            "The due as wall time in `timezone` (ISO 8601 without an offset), or its date when all-day; null if none.",
          example: "2026-03-02T09:00:00",
        }),
        timezone: z.string().openapi({ example: "Europe/Berlin" }),
        reminder_text: z
          .string()
          .optional()
          .openapi({ description: "The words read as the reminder request.", example: "remind me 1 hour before" }),
        all_day: z.boolean().openapi({ description: "Whether the due is a date without a time." }),
      })
      .openapi({ description: "What the text was read as, to confirm with the user." }),
  })
  .openapi("QuickAdded");
