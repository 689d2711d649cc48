import { IdParam } from "../../http/fields";
import { z } from "../../http/zod";
import {
  CreateReminder,
  checkSnoozeTime,
  Reminder,
  ReminderListQuery,
  ReminderPage,
  snoozeFields,
  snoozeUntil,
} from "../../routes/reminders/schemas";
import { toReminder } from "../../routes/reminders/view";
import * as service from "../../services/reminders";
import { Deleted, defineTool, TIME_RULE } from "../tool";

const ID = "The reminder's id (a UUID), as returned by create_reminder, list_reminders or agenda.";

export const reminderTools = [
  defineTool({
    name: "create_reminder",
    title: "Create a reminder",
    description: `Schedule a reminder for an existing task: at remind_at (an instant), or offset_minutes from the task's due time (-30 = half an hour before; it follows the task when the due time moves or a recurring task advances), the user is messaged about the task on channel (telegram, whatsapp or ui). Give exactly one of remind_at and offset_minutes. The task must exist: create it first with create_task and pass its id as task_id. recipient is a Telegram chat id or a WhatsApp number in E.164 form; omit it to use the channel's default. ${TIME_RULE}`,
    scope: "reminders:write",
    input: CreateReminder,
    output: Reminder,
    arguments: {
      task_id: "The id of the task to remind about.",
      remind_at: "When to send the reminder, with an offset. Omit when giving offset_minutes.",
      offset_minutes: "Minutes from the task's due time, negative for before (e.g. -30). Needs a task with a due time.",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store }, args) => toReminder(await service.createReminder(store, args)),
  }),
  defineTool({
    name: "list_reminders",
    title: "List reminders",
    description: `List reminders, newest first, optionally filtered by task_id, channel, status (scheduled, sent, failed, skipped: its task was done, missed: too late to send, or due: scheduled and due now), delivery_state (accepted: sent but not confirmed; delivered: known to be in the chat), sent ("true" or "false") and due_before (exclusive). Returns { items, next_cursor }; pass next_cursor back as cursor for the next page. ${TIME_RULE}`,
    scope: "reminders:read",
    input: ReminderListQuery,
    output: ReminderPage,
    arguments: { limit: "Page size, 1–200 (default 50)." },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run: async ({ store }, args) => {
      const { items, next_cursor } = await service.listReminders(store, args);
      return { items: items.map(toReminder), next_cursor };
    },
  }),
  defineTool({
    name: "move_reminder",
    title: "Move a reminder",
    description: `Move a reminder to a new time (it becomes absolute). It is armed again for that time, even if it was already sent or had failed. To fire an already-delivered reminder again a little later, prefer snooze_reminder. ${TIME_RULE}`,
    scope: "reminders:write",
    input: z.strictObject({ id: IdParam.shape.id, remind_at: CreateReminder.shape.remind_at.unwrap() }),
    output: Reminder,
    arguments: { id: ID, remind_at: "The new time, with an offset." },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run: async ({ store }, { id, remind_at }) =>
      toReminder(await service.updateReminder(store, { id, changes: { remind_at } })),
  }),
  defineTool({
    name: "snooze_reminder",
    title: "Snooze a reminder",
    description: `Fire a reminder that has gone off (sent, failed, skipped, missed, or due now) again later: in minutes (1–43200), or at until (within 30 days). A reminder still waiting for its time cannot be snoozed; use move_reminder. A relative reminder stays relative. ${TIME_RULE}`,
    scope: "reminders:write",
    input: z.strictObject({ id: IdParam.shape.id, ...snoozeFields }).superRefine(checkSnoozeTime),
    output: Reminder,
    arguments: {
      id: ID,
      minutes: "Fire again this many minutes from now.",
      until: "Or: fire again at this instant, with an offset.",
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run: async ({ store }, { id, ...time }) =>
      toReminder(await service.snoozeReminder(store, { id, until: snoozeUntil(time) })),
  }),
  defineTool({
    name: "delete_reminder",
    title: "Delete a reminder",
    description: "Cancel a reminder for good. Its task stays.",
    scope: "reminders:write",
    input: z.strictObject({ id: IdParam.shape.id }),
    output: Deleted("reminder"),
    arguments: { id: ID },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run: async ({ store }, { id }) => {
      await service.deleteReminder(store, { id });
      return { deleted: "reminder" as const, id };
    },
  }),
];
