import { z } from "@hono/zod-openapi";
import { reminderChannel, reminderStatus, reminders } from "../../db/schema";
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

/** Scan bookkeeping that is not part of the API. */
export const HIDDEN_REMINDER_COLUMNS = ["lease_until", "lease_token"] as const;

export const Reminder = createSelectSchema(reminders, {
  remind_at: timestampOutput(),
  created_at: timestampOutput(),
  sent_at: timestampOutput().nullable(),
  next_attempt_at: timestampOutput(),
})
  .omit({ lease_until: true, lease_token: true })
  .openapi("Reminder");

export const CreateReminder = z
  .strictObject(
    createInsertSchema(reminders, {
      task_id: () => z.uuid({ error: "must be the id (a UUID) of an existing task" }),
      remind_at: () => timestampInput(),
      // nullish, not nullable: see the note on drizzle-zod in ../tasks/schemas.ts.
      recipient: () => z.string().trim().min(1).max(64).nullish(),
    }).pick({ task_id: true, remind_at: true, channel: true, recipient: true }).shape,
  )
  .openapi("CreateReminder");

export const UpdateReminder = z
  .strictObject(CreateReminder.pick({ remind_at: true, channel: true, recipient: true }).partial().shape)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateReminder");

export const ReminderListQuery = z.strictObject({
  task_id: z.uuid().optional(),
  sent: booleanQuery().optional(),
  status: z
    .enum([...reminderStatus.enumValues, "due"])
    .optional()
    .openapi({ description: "`due`: scheduled and due now (what the next scan would try)." }),
  channel: z.enum(reminderChannel.enumValues).optional(),
  due_before: timestampInput()
    .optional()
    .openapi({ description: "Only reminders set before this instant (exclusive)." }),
  limit: limit(),
  cursor: cursor(),
});

export const ReminderPage = page(Reminder).openapi("ReminderPage");
