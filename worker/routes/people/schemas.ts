import { PERSON_NAME_MAX, people } from "../../db/schema";
import {
  clearable,
  createInsertSchema,
  createSelectSchema,
  cursor,
  limit,
  page,
  text,
  timestampOutput,
  timeZoneInput,
} from "../../http/fields";
import { z } from "../../http/zod";
import { recipientProblem } from "../../services/recipients";

export const Person = createSelectSchema(people, {
  name: z.string().openapi({ example: "Alex" }),
  telegram_chat_id: z.string().nullable().openapi({ example: "123456789" }),
  whatsapp_number: z.string().nullable().openapi({ example: "+14155550123" }),
  timezone: z.string().nullable().openapi({ example: "Europe/Berlin" }),
  created_at: timestampOutput(),
  updated_at: timestampOutput(),
}).openapi("Person");

/** A handle on one channel, checked as a reminder's `recipient` on that channel is. */
const handle = (channel: "telegram" | "whatsapp") =>
  text(1, 64).superRefine((value, ctx) => {
    const message = recipientProblem(channel, value);
    if (message) ctx.addIssue({ code: "custom", message });
  });

/** The writable fields, derived from the table and refined for the API (as tasks' are). */
const personFields = createInsertSchema(people, {
  name: () => text(1, PERSON_NAME_MAX).openapi({ example: "Alex", description: `1–${PERSON_NAME_MAX} characters.` }),
  telegram_chat_id: () =>
    handle("telegram").nullish().openapi({
      example: "123456789",
      description:
        "Their Telegram chat id (an integer, negative for groups) or @channelusername: where a telegram reminder of their tasks without a recipient goes.",
    }),
  whatsapp_number: () =>
    handle("whatsapp").nullish().openapi({
      example: "+14155550123",
      description:
        "Their WhatsApp number in E.164 form: where a whatsapp reminder of their tasks without a recipient goes.",
    }),
  timezone: () => clearable(timeZoneInput()).openapi({ description: "Their IANA time zone; null: not known." }),
}).pick({ name: true, telegram_chat_id: true, whatsapp_number: true, timezone: true }).shape;

export const CreatePerson = z.strictObject(personFields).openapi("CreatePerson");

export const UpdatePerson = z
  .strictObject(z.object(personFields).partial().shape)
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change.")
  .openapi("UpdatePerson");

export const PersonListQuery = z.strictObject({ limit: limit(), cursor: cursor() });

export const PersonPage = page(Person).openapi("PersonPage");

export const DeletePersonQuery = z.strictObject({
  reassign_to: z
    .union([z.literal("none"), z.uuid()])
    .optional()
    .openapi({
      description:
        "Who takes the person's tasks: another person's id, or `none` to leave them unassigned. Without it, deleting a person who has tasks answers 409.",
    }),
});
