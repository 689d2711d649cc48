import { z } from "@hono/zod-openapi";
import {
  DESCRIPTION_MAX,
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

export const Task = createSelectSchema(tasks, {
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
