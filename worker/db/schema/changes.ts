import { sql } from "drizzle-orm";
import { bigint, check, customType, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });

/**
 * The sync spine: one row per committed mutation of a task, reminder, project, person or attachment, written by the triggers in
 * the change-log migration so that cascades and every code path are recorded in the same transaction.
 */
export const changes = pgTable(
  "changes",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    entity: text("entity", { enum: ["task", "reminder", "project", "person", "attachment"] }).notNull(),
    op: text("op", { enum: ["created", "updated", "deleted", "delivered"] }).notNull(),
    entity_id: uuid("entity_id").notNull(),
    data: jsonb("data").notNull(),
    /**
     * The webhook event type (`task.completed`, `reminder.failed`, …), told apart by the trigger, which
     * alone sees the row before and after. Null on changes recorded before webhooks existed.
     */
    event: text("event"),
    at: timestamptz("at").notNull().defaultNow(),
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [
    // The publisher reads back what one transaction recorded, right after it commits.
    index("changes_txid_idx").on(t.txid),
    // Retention pruning deletes by age.
    index("changes_at_idx").on(t.at),
  ],
);

/**
 * The single counter row. Each write takes its row lock to draw the next seq and holds it until
 * commit, so seqs become visible strictly in order: a reader never sees n + 1 before n.
 */
export const changeCursor = pgTable(
  "change_cursor",
  {
    id: integer("id").primaryKey().default(1),
    last_seq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    pruned_through: bigint("pruned_through", { mode: "number" }).notNull().default(0),
  },
  (t) => [check("change_cursor_single_row", sql`${t.id} = 1`)],
);

export type ChangeRow = typeof changes.$inferSelect;
