import { sql } from "drizzle-orm";
import { attachments } from "../db/schema";
import { bucketOf } from "./attachments";
import type { Store } from "./store";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const OBJECT_KEY = new RegExp(`^tasks/${UUID}/(${UUID})$`);

export interface SweepOptions {
  /** Objects younger than this may be uploads whose row is being written: left alone. */
  graceMs: number;
  now: Date;
  /** Bound on list calls (1,000 keys each) per run; the next run goes on from the start. */
  maxPages: number;
  /** Only objects under this prefix (default: every task's, `tasks/`). */
  prefix?: string;
}

/**
 * Deletes objects that have no attachment row and are older than the grace period: an upload
 * whose row insert failed and whose object could not be deleted then, or an object whose task or
 * attachment deletion lost its R2 call. One list call and one query per 1,000 objects.
 * @returns how many objects were looked at and how many were deleted.
 */
export async function sweepOrphanObjects(store: Store, options: SweepOptions) {
  const bucket = bucketOf(store);
  const oldest = options.now.getTime() - options.graceMs;
  let cursor: string | undefined;
  let seen = 0;
  let deleted = 0;
  for (let pages = 0; pages < options.maxPages; pages++) {
    const listing = await bucket.list({
      prefix: options.prefix ?? "tasks/",
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const candidates = listing.objects.flatMap((object) => {
      const match = OBJECT_KEY.exec(object.key);
      return match && object.uploaded.getTime() < oldest ? [{ key: object.key, id: match[1]! }] : [];
    });
    seen += listing.objects.length;
    if (candidates.length > 0) {
      const { rows } = await store.db.execute<{ id: string }>(
        sql`select id::text from ${attachments} where id = any(${`{${candidates.map((c) => c.id).join(",")}}`}::uuid[])`,
      );
      const kept = new Set(rows.map((r) => r.id));
      const orphans = candidates.filter((c) => !kept.has(c.id)).map((c) => c.key);
      if (orphans.length > 0) {
        await bucket.delete(orphans);
        deleted += orphans.length;
      }
    }
    if (!listing.truncated) break;
    cursor = listing.cursor;
  }
  return { seen, deleted };
}
