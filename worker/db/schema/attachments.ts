import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns";
import { tasks } from "./tasks";

export const FILENAME_MAX = 255;
export const CONTENT_TYPE_MAX = 255;

/**
 * A file attached to a task. The bytes live in R2 under `tasks/<task_id>/<id>` (attachmentKey);
 * this row is written only once the object is stored, so every row has its object. Deleting the
 * task deletes its rows (cascade) and the Worker deletes their objects; an object left without a
 * row is swept by the cron (services/attachments.ts).
 */
export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    task_id: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** As the uploader named it, path separators and all; served only inside Content-Disposition. */
    filename: text("filename").notNull(),
    content_type: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** SHA-256 of the stored bytes, lowercase hex, computed while they streamed to R2. */
    sha256: text("sha256").notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check(
      "attachments_filename_length",
      sql`char_length(${t.filename}) between 1 and ${sql.raw(String(FILENAME_MAX))}`,
    ),
    check("attachments_size_positive", sql`${t.size} > 0`),
    check("attachments_sha256_hex", sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    // GET /tasks/{id}/attachments: a task's attachments newest first, keyset-paginated on (created_at, id).
    index("attachments_task_created_idx").on(t.task_id, t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export type AttachmentRow = typeof attachments.$inferSelect;

/** Where an attachment's bytes are in the bucket. */
export const attachmentKey = (row: { task_id: string; id: string }) => `tasks/${row.task_id}/${row.id}`;
