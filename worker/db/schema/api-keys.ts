import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns";

export const API_SCOPES = [
  "tasks:read",
  "tasks:write",
  "reminders:read",
  "reminders:write",
  "webhooks:read",
  "webhooks:write",
  "admin",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Keys are stored only as SHA-256 hashes; the key itself is shown once, when it is created. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    name: text("name").notNull(),
    /** The key's first characters, so people can tell their keys apart without the secret. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    scopes: text("scopes", { enum: API_SCOPES }).array().notNull(),
    created_at: createdAt(),
    last_used_at: timestamptz("last_used_at"),
    revoked_at: timestamptz("revoked_at"),
  },
  (t) => [
    // Every authenticated request looks its key up by hash.
    uniqueIndex("api_keys_hash_idx").on(t.hash),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** The key's hash: never shown. */
export const API_KEY_INTERNAL = { hash: true } as const;
