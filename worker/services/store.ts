import { eq, sql } from "drizzle-orm";
import type { Database, Pipeline } from "../db/client";
import type { people, projects, reminders, tasks } from "../db/schema";
import { NotFoundError, PreconditionFailedError } from "./errors";
import type { TimeSettings } from "./task-schedule";

/**
 * What every service runs with (its first argument; the second is its input, one object): the
 * database and the attachments bucket, how the time model is configured, and a way to say "this transaction wrote to the
 * change log" so the unit of work can publish those changes once the answer is on its way.
 */
export interface Store {
  db: Database;
  /** The attachments bucket (R2), where the unit of work has one: requests and cron runs do. */
  attachments?: R2Bucket;
  time: TimeSettings;
  onCommitted(txid: string): void;
  /** A connection of its own in pipeline mode, for a transaction (`runOnce`); closed with the store's. */
  pipeline?(): Pipeline;
  /**
   * Runs `work` once what this store wrote has committed. Absent where every statement commits on
   * its own, so the work can run at once; inside a transaction it waits for the COMMIT.
   */
  afterCommit?(work: () => Promise<void>): void;
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
  {
    table,
    entity,
    id,
    expectedVersion,
  }: {
    table: typeof tasks | typeof reminders | typeof projects | typeof people;
    entity: string;
    id: string;
    expectedVersion: number | undefined;
  },
) {
  if (expectedVersion === undefined) return new NotFoundError(entity, id);
  const [current] = await store.db.select({ version: table.version }).from(table).where(eq(table.id, id));
  if (!current) return new NotFoundError(entity, id);
  return new PreconditionFailedError(
    `The ${entity} '${id}' is at version ${current.version}, not ${expectedVersion}; fetch it again and reapply your change.`,
  );
}
