import type { z } from "@hono/zod-openapi";
import { reminderView } from "../../services/views";
import type { Reminder } from "./schemas";

export type ReminderResource = z.infer<typeof Reminder>;

/** A reminder row, carrying its task's `timezone`, as the API shows it (REST, the agenda and the MCP tools). */
export const toReminder = (row: Record<string, unknown>) => reminderView(row, row.timezone) as ReminderResource;
