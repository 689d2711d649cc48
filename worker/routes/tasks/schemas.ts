import { z } from "@hono/zod-openapi";
import { DESCRIPTION_MAX, TITLE_MAX, taskSource, taskStatus, tasks } from "../../db/schema";
import {
  createInsertSchema,
  createSelectSchema,
  cursor,
  limit,
  page,
  text,
  timestampInput,
  timestampOutput,
} from "../../http/fields";

export const Task = createSelectSchema(tasks, {
  due_time: timestampOutput().nullable(),
  created_at: timestampOutput(),
  updated_at: timestampOutput(),
}).openapi("Task");

/**
 * drizzle-zod makes nullable insert columns optional at run time, but its types leave them required;
 * `nullish()` says so in the types too, so `z.input` (and the typed client) match what is accepted.
 */
const writable = {
  title: () => text(1, TITLE_MAX).openapi({ example: "Review pull requests" }),
  description: () => text(0, DESCRIPTION_MAX).nullish().openapi({ example: "Check and merge pending PRs" }),
  due_time: () => timestampInput().nullish(),
};

export const CreateTask = z
  .strictObject(
    createInsertSchema(tasks, writable).pick({
      title: true,
      description: true,
      status: true,
      due_time: true,
      source: true,
    }).shape,
  )
  .openapi("CreateTask");

export const UpdateTask = z
  .strictObject(CreateTask.partial().shape)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateTask");

export const TaskListQuery = z.strictObject({
  status: z.enum(taskStatus.enumValues).optional(),
  source: z.enum(taskSource.enumValues).optional(),
  due_before: timestampInput().optional().openapi({ description: "Only tasks due before this instant (exclusive)." }),
  due_after: timestampInput().optional().openapi({ description: "Only tasks due at or after this instant." }),
  limit: limit(),
  cursor: cursor(),
});

export const TaskPage = page(Task).openapi("TaskPage");
