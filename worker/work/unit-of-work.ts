import { createDatabase } from "../db/client";
import type { Env } from "../env";
import { publishChanges } from "../realtime/publish";
import type { Store } from "../services/store";
import { settingsOf } from "../settings";

/** What a unit of work needs from the environment: the database and, when bound, the room. */
export type WorkEnv = Pick<Env, "HYPERDRIVE"> & Partial<Pick<Env, "MAIN">>;

/**
 * One unit of work: an HTTP request, a cron run or an alarm. It owns its own database client
 * (Workers share no I/O objects across requests) and the list of transactions it committed.
 */
export interface UnitOfWork {
  /** What services run with: the database, and `onCommitted` to note each committed transaction. */
  store: Store;
  /** Tells the room what the committed transactions wrote to the change log; never throws. */
  publishCommitted(): Promise<void>;
  /** Ends the database client's connections. */
  close(): Promise<void>;
  /** Publishes what committed, then closes: call it once the work's answer is on its way, in `waitUntil`. */
  end(): Promise<void>;
}

/** Opens a unit of work against the Hyperdrive binding, with the configured timeouts. */
export function beginUnitOfWork(env: WorkEnv): UnitOfWork {
  const settings = settingsOf(env);
  const { db, close } = createDatabase(env.HYPERDRIVE.connectionString, settings.database);
  const committed: string[] = [];
  const store: Store = { db, time: settings.time, onCommitted: (txid) => committed.push(txid) };
  const publishCommitted = () =>
    env.MAIN ? publishChanges({ MAIN: env.MAIN }, store, committed.splice(0)) : Promise.resolve();
  return {
    store,
    publishCommitted,
    close,
    end: () => publishCommitted().finally(close),
  };
}
