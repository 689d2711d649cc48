import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { reminders, tasks } from "../db/schema";
import { NotFoundError, PreconditionFailedError } from "./errors";

/**
 * What a service needs to do its work: the database, and a way to say "this transaction wrote
 * to the change log" so the caller can publish those changes once the response is on its way.
 */
export interface Store {
  db: Database;
  onCommitted(txid: string): void;
}

/** The id of the running transaction, whose change-log rows are published after it commits. */
export const txid = sql<string>`pg_current_xact_id()::text`;

/** `txid` as a drizzle RETURNING field. */
export const currentTxid = txid.as("txid");

/** `UPDATE … WHERE` clause for optimistic concurrency; a no-op when the caller sent no If-Match. */
export const versionMatches = (column: unknown, expected: number | undefined) =>
  expected === undefined ? undefined : sql`${column} = ${expected}`;

/** Only on a mutation's failure path: tells "no such row" from "your version is stale". */
export async function missingOrStale(
  store: Store,
  table: typeof tasks | typeof reminders,
  entity: string,
  id: string,
  expectedVersion: number | undefined,
) {
  if (expectedVersion === undefined) return new NotFoundError(entity, id);
  const [current] = await store.db.select({ version: table.version }).from(table).where(eq(table.id, id));
  if (!current) return new NotFoundError(entity, id);
  return new PreconditionFailedError(
    `The ${entity} '${id}' is at version ${current.version}, not ${expectedVersion}; fetch it again and reapply your change.`,
  );
}
