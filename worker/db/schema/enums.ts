import { pgEnum } from "drizzle-orm/pg-core";

export const taskStatus = pgEnum("task_status", ["pending", "completed", "cancelled"]);
export const taskSource = pgEnum("task_source", ["telegram", "whatsapp", "ui", "system"]);
export const reminderChannel = pgEnum("reminder_channel", ["telegram", "whatsapp", "ui"]);

/** Where a reminder stands: armed and waiting (or retrying), accepted by a provider, or given up on. */
export const reminderStatus = pgEnum("reminder_status", ["scheduled", "sent", "failed"]);
