import { sql } from "drizzle-orm";
import { boolean, index, pgTable, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, version } from "./columns";
import { reminderChannel } from "./enums";
import { tasks } from "./tasks";

export const reminders = pgTable(
  "reminders",
  {
    id: id(),
    task_id: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    remind_at: timestamptz("remind_at").notNull(),
    channel: reminderChannel("channel").notNull(),
    sent: boolean("sent").notNull().default(false),
    created_at: createdAt(),
    version: version(),
  },
  (t) => [
    // GET /reminders?task_id=… and the cascade when a task is deleted.
    index("reminders_task_idx").on(t.task_id, t.created_at.desc(), t.id.desc()),
    // GET /reminders without filters: newest first, keyset-paginated on (created_at, id).
    index("reminders_created_idx").on(t.created_at.desc(), t.id.desc()),
    // The due scan: its cost follows the number of unsent reminders, not the table's size.
    index("reminders_unsent_due_idx").on(t.remind_at).where(sql`${t.sent} = false`),
  ],
);

export type ReminderRow = typeof reminders.$inferSelect;
