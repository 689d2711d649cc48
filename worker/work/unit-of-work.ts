import type { Change } from "../../party/protocol";
import { createDatabase } from "../db/client";
import type { Env } from "../env";
import { log } from "../http/log";
import { broadcastChanges } from "../realtime/publish";
import { changesOfTransactions } from "../services/changes";
import type { Store } from "../services/store";
import { settingsOf } from "../settings";
import { earliestArmed, nudgeClock } from "./clock-nudge";

/** What a unit of work needs from the environment: the database and, when bound, the room, the clock and the attachments bucket. */
export type WorkEnv = Pick<Env, "HYPERDRIVE"> & Partial<Pick<Env, "MAIN" | "CLOCK" | "ATTACHMENTS">>;

export interface UnitOfWorkOptions {
  /** Whether to tell the reminder clock about reminders armed here; the clock's own runs need not. */
  nudgeClock?: boolean;
  /**
   * Runs once what committed here was published (webhook deliveries, passed in by the floors above,
   * so this one needs no webhook code); never blocks the response, failures are logged.
   */
  afterChanges?: (store: Store) => Promise<unknown>;
}

/**
 * One unit of work: an HTTP request, a cron run or an alarm. It owns its own database client
 * (Workers share no I/O objects across requests) and the list of transactions it committed.
 */
export interface UnitOfWork {
  /** What services run with: the database, the time settings, and `onCommitted` to note each commit. */
  store: Store;
  /**
   * Tells others what the committed transactions wrote to the change log: the room broadcasts it,
   * and the reminder clock hears of the earliest reminder armed. Never throws.
   */
  publishCommitted(): Promise<void>;
  /** Ends the database client's connections. */
  close(): Promise<void>;
  /** Publishes what committed, then closes: call it once the work's answer is on its way, in `waitUntil`. */
  end(): Promise<void>;
}

/** Opens a unit of work against the Hyperdrive binding, with the configured timeouts. */
export function beginUnitOfWork(env: WorkEnv, options: UnitOfWorkOptions = {}): UnitOfWork {
  const settings = settingsOf(env);
  const { db, pipeline, close } = createDatabase(env.HYPERDRIVE.connectionString, settings.database);
  const committed: string[] = [];
  const store: Store = {
    db,
    attachments: env.ATTACHMENTS,
    time: settings.time,
    onCommitted: (txid) => committed.push(txid),
    pipeline,
  };
  const wantsClock = (options.nudgeClock ?? true) && clockIsOn(env);
  const publishCommitted = async () => {
    const txids = committed.splice(0);
    if (txids.length === 0 || (!env.MAIN && !wantsClock && !options.afterChanges)) return;
    let changes: Change[];
    try {
      // One read serves both: the room's broadcast and the clock's next time.
      changes = await changesOfTransactions(store, { txids });
    } catch (err) {
      log(undefined, "warn", "reading committed changes failed; clients will catch up from /changes", {
        txids,
        error: String(err),
      });
      return;
    }
    const armed = wantsClock ? earliestArmed(changes) : undefined;
    await Promise.all([
      env.MAIN ? broadcastChanges({ MAIN: env.MAIN }, changes) : undefined,
      armed !== undefined ? nudgeClock(env, armed) : undefined,
    ]);
    if (options.afterChanges && changes.length > 0) {
      try {
        await options.afterChanges(store);
      } catch (err) {
        log(undefined, "warn", "work after the commit failed; the cron retries", { error: String(err) });
      }
    }
  };
  return { store, publishCommitted, close, end: () => publishCommitted().finally(close) };
}

/** SCAN_CLOCK=off leaves delivery to the cron alone; a bad scan setting leaves it to the cron too. */
function clockIsOn(env: WorkEnv): boolean {
  if (!env.CLOCK) return false;
  try {
    return settingsOf(env).scan.clock;
  } catch {
    return false;
  }
}
