import { pgEnum } from "drizzle-orm/pg-core";

export const taskStatus = pgEnum("task_status", ["pending", "completed", "cancelled"]);
export const taskSource = pgEnum("task_source", ["telegram", "whatsapp", "ui", "system"]);
export const reminderChannel = pgEnum("reminder_channel", ["telegram", "whatsapp", "ui", "webhook"]);

/**
 * Where a reminder stands: armed and waiting (or retrying), handed to a provider, given up on, not
 * sent because its task was no longer pending (`skipped`), or not sent because the scan reached it
 * too late (`missed`).
 */
export const reminderStatus = pgEnum("reminder_status", ["scheduled", "sent", "failed", "skipped", "missed"]);

/**
 * What is known about a sent reminder: a provider or the gateway took it and nobody has confirmed
 * that it reached a person (`accepted`), or it is known to be in the chat (`delivered`).
 */
export const deliveryState = pgEnum("delivery_state", ["accepted", "delivered"]);
