import { pgEnum } from "drizzle-orm/pg-core";

export const taskStatus = pgEnum("task_status", ["pending", "completed", "cancelled"]);
export const taskSource = pgEnum("task_source", ["telegram", "whatsapp", "ui", "system"]);
export const reminderChannel = pgEnum("reminder_channel", ["telegram", "whatsapp", "ui"]);
