import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./columns";

/**
 * The first response to each `Idempotency-Key`, per key owner, replayed to retries for 24 hours.
 * A row in state `running` is a request still in flight; `locked_until` frees it if that request died.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    owner: text("owner").notNull(),
    key: text("key").notNull(),
    request_hash: text("request_hash").notNull(),
    state: text("state", { enum: ["running", "done"] })
      .notNull()
      .default("running"),
    locked_until: timestamptz("locked_until").notNull(),
    response_status: integer("response_status"),
    response_headers: jsonb("response_headers").$type<Record<string, string>>(),
    response_body: text("response_body"),
    created_at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.owner, t.key] }),
    // The cron prunes entries older than 24 hours.
    index("idempotency_keys_created_idx").on(t.created_at),
  ],
);
