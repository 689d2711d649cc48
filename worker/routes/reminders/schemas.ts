import {
  deliveryState,
  OFFSET_MINUTES_MAX,
  REMINDER_INTERNAL,
  reminderChannel,
  reminderStatus,
  reminders,
} from "../../db/schema";
import {
  booleanQuery,
  createInsertSchema,
  createSelectSchema,
  cursor,
  limit,
  page,
  text,
  timestampInput,
  timestampOutput,
} from "../../http/fields";
import { z } from "../../http/zod";
import { recipientProblem } from "../../services/recipients";

type ReminderChannel = (typeof reminderChannel.enumValues)[number];

/** The recipient must suit the channel; a PATCH that sends only one of them is checked by the service. */
export const recipientSuitsChannel = (
  v: { channel?: ReminderChannel; recipient?: string | null },
  ctx: z.RefinementCtx,
) => {
  const message = v.channel && recipientProblem(v.channel, v.recipient);
  if (message) ctx.addIssue({ code: "custom", path: ["recipient"], message });
};

/** A snooze lasts at least a minute and at most 30 days. */
export const SNOOZE_MINUTES_MAX = 43_200;

export const Reminder = createSelectSchema(reminders, {
  remind_at: timestampOutput(),
  offset_minutes: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "Minutes from the task's due (negative: before); null for an absolute reminder." }),
  created_at: timestampOutput(),
  status: (schema) =>
    schema.openapi({
      description:
        "`scheduled` (armed, or retrying), `sent` (a provider took it; see `delivery_state`), `failed` (gave up; `last_error` says why), `skipped` (its task was no longer pending; re-armed if the task is reopened) or `missed` (not sent: the scan reached it more than REMINDER_MISSED_AFTER_S after its time).",
    }),
  sent_at: timestampOutput().nullable().openapi({ description: "When a provider took it." }),
  delivery_state: (schema) =>
    schema.openapi({
      description:
        "Null until a provider took it; `accepted` while nobody has confirmed that it reached a person; `delivered` once it is known to be in the chat (Telegram's returned message, OpenClaw's `completion.delivered`).",
    }),
  delivered_at: timestampOutput().nullable().openapi({ description: "When it was known to be in the chat." }),
  provider_message_id: (schema) =>
    schema.openapi({
      description: "The provider's id for what it took: Telegram message_id, WhatsApp message id, OpenClaw runId.",
    }),
  next_attempt_at: timestampOutput(),
})
  .omit(REMINDER_INTERNAL)
  .extend({
    timezone: z.string().openapi({ description: "The task's IANA time zone.", example: "Europe/Berlin" }),
  })
  .openapi("Reminder");

const offsetMinutes = () =>
  z
    .number()
    .int()
    .min(-OFFSET_MINUTES_MAX)
    .max(OFFSET_MINUTES_MAX)
    .openapi({ description: "Minutes from the task's due; -30 is half an hour before.", example: -30 });

const reminderFields = createInsertSchema(reminders, {
  task_id: () => z.uuid({ error: "must be the id (a UUID) of an existing task" }),
  remind_at: () => timestampInput(),
  offset_minutes: offsetMinutes,
  // nullish, not nullable: see the note on drizzle-zod in ../tasks/schemas.ts.
  recipient: () => text(1, 64).nullish(),
}).pick({ task_id: true, remind_at: true, offset_minutes: true, channel: true, recipient: true }).shape;

/** A reminder is at an instant or relative to its task's due: one or the other. */
function oneKindOfTime(required: boolean) {
  return (value: { remind_at?: unknown; offset_minutes?: unknown }, ctx: z.RefinementCtx) => {
    const given = [value.remind_at, value.offset_minutes].filter((v) => v !== undefined && v !== null).length;
    if (given > 1 || (required && given === 0)) {
      ctx.addIssue({
        code: "custom",
        path: [given > 1 ? "offset_minutes" : "remind_at"],
        message: "send exactly one of remind_at (an instant) and offset_minutes (minutes from the task's due)",
      });
    }
  };
}

export const CreateReminder = z
  .strictObject({
    ...reminderFields,
    remind_at: reminderFields.remind_at.optional(),
    offset_minutes: offsetMinutes().optional(),
  })
  .superRefine(oneKindOfTime(true))
  .superRefine(recipientSuitsChannel)
  .openapi("CreateReminder");

export const UpdateReminder = z
  .strictObject({
    remind_at: reminderFields.remind_at.optional(),
    offset_minutes: offsetMinutes().optional(),
    channel: reminderFields.channel.optional(),
    recipient: reminderFields.recipient.optional(),
  })
  .superRefine(oneKindOfTime(false))
  .superRefine(recipientSuitsChannel)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdateReminder");

/** When to fire again: one of these (REST's body; the MCP tool adds the reminder's id). */
export const snoozeFields = {
  minutes: z
    .number()
    .int()
    .min(1)
    .max(SNOOZE_MINUTES_MAX)
    .optional()
    .openapi({ description: "Fire again this many minutes from now (1–43200).", example: 10 }),
  until: timestampInput().optional().openapi({ description: "Fire again at this instant (in the future)." }),
};

type SnoozeTime = { minutes?: number; until?: Date };

/** Exactly one of `minutes` and `until`, within the next 30 days. */
export function checkSnoozeTime(value: SnoozeTime, ctx: z.RefinementCtx) {
  // zod runs this even when a field failed; that field already carries its own issue.
  if (value.until !== undefined && !(value.until instanceof Date)) return;
  if ((value.minutes === undefined) === (value.until === undefined)) {
    ctx.addIssue({ code: "custom", path: ["minutes"], message: "send exactly one of minutes and until" });
  } else if (value.until && value.until.getTime() <= Date.now()) {
    ctx.addIssue({ code: "custom", path: ["until"], message: "must be in the future" });
  } else if (value.until && value.until.getTime() > Date.now() + SNOOZE_MINUTES_MAX * 60_000) {
    ctx.addIssue({ code: "custom", path: ["until"], message: "must be within 30 days" });
  }
}

/** The instant a checked snooze asks for. */
export const snoozeUntil = ({ minutes, until }: SnoozeTime, now = Date.now()) =>
  until ?? new Date(now + minutes! * 60_000);

export const SnoozeReminder = z.strictObject(snoozeFields).superRefine(checkSnoozeTime).openapi("SnoozeReminder");

export const ReminderListQuery = z.strictObject({
  task_id: z.uuid().optional().openapi({ description: "Only this task's reminders." }),
  sent: booleanQuery()
    .optional()
    .openapi({ description: "`true`: only those a provider accepted; `false`: the rest." }),
  status: z
    .enum([...reminderStatus.enumValues, "due"])
    .optional()
    .openapi({ description: "`due`: scheduled and due now (what the next scan would try)." }),
  delivery_state: z
    .enum(deliveryState.enumValues)
    .optional()
    .openapi({ description: "`accepted`: sent and waiting for confirmation; `delivered`: known to be in the chat." }),
  channel: z.enum(reminderChannel.enumValues).optional().openapi({ description: "Only reminders on this channel." }),
  due_before: timestampInput()
    .optional()
    .openapi({ description: "Only reminders set before this instant (exclusive)." }),
  limit: limit(),
  cursor: cursor(),
});

export const ReminderPage = page(Reminder).openapi("ReminderPage");
