import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, version } from "./columns";

export const PROJECT_NAME_MAX = 100;

/** A project (the seed's "categories"): tasks belong to at most one. */
export const projects = pgTable(
  "projects",
  {
    id: id(),
    name: text("name").notNull(),
    /** The name case-folded: two projects cannot differ only in case. Not part of the API. */
    name_key: text("name_key").notNull().generatedAlwaysAs(sql`lower(name)`),
    /** `#rrggbb`, or null. */
    color: text("color"),
    archived: boolean("archived").notNull().default(false),
    created_at: createdAt(),
    updated_at: timestamptz("updated_at").notNull().defaultNow(),
    version: version(),
  },
  (t) => [
    uniqueIndex("projects_name_key_idx").on(t.name_key),
    check("projects_name_length", sql`char_length(${t.name}) between 1 and ${sql.raw(String(PROJECT_NAME_MAX))}`),
    check("projects_color_hex", sql`${t.color} ~ '^#[0-9a-f]{6}$'`),
    // GET /projects: newest first, keyset-paginated on (created_at, id).
    index("projects_created_idx").on(t.created_at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export type ProjectRow = typeof projects.$inferSelect;

export const PROJECT_INTERNAL = { name_key: true } as const;
