import { z } from "@hono/zod-openapi";
import { reminderChannel, reminders } from "../../db/schema";
import {
  booleanQuery,
  createInsertSchema,
  createSelectSchema,
  cursor,
  limit,
  page,
  timestampInput,
  timestampOutput,
} from "../../http/fields";

export const Reminder = createSelectSchema(reminders, {
  remind_at: timestampOutput(),
  created_at: timestampOutput(),
}).openapi("Reminder");

export const CreateReminder = z
  .strictObject(
    createInsertSchema(reminders, {
      task_id: () => z.uuid({ error: "must be the id (a UUID) of an existing task" }),
      remind_at: () => timestampInput(),
    }).pick({ task_id: true, remind_at: true, channel: true }).shape,
  )
  .openapi("CreateReminder");

export const UpdateReminder = z
  .strictObject(CreateReminder.pick({ remind_at: true, channel: true }).partial().shape)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateReminder");

export const ReminderListQuery = z.strictObject({
  task_id: z.uuid().optional(),
  sent: booleanQuery().optional(),
  channel: z.enum(reminderChannel.enumValues).optional(),
  due_before: timestampInput()
    .optional()
    .openapi({ description: "Only reminders set before this instant (exclusive)." }),
  limit: limit(),
  cursor: cursor(),
});

export const ReminderPage = page(Reminder).openapi("ReminderPage");
