import { z } from "@hono/zod-openapi";
import { TITLE_MAX } from "../../db/schema";
import { text, timeZoneInput } from "../../http/fields";
import { CreateReminder, Reminder, recipientSuitsChannel } from "../reminders/schemas";
import { Task } from "./schemas";

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
