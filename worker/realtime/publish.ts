import type { Database } from "../db/client";
import type { Env } from "../env";
import { errorFields, log } from "../http/log";
import { changesOfTransactions } from "../services/changes";
import { workspaceRoom } from "./room";

/** A room that does not answer in this time is given up on; clients catch up from GET /changes. */
const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Sends what the committed transactions `txids` wrote to the change log to the room, which
 * broadcasts it. Call it after commit inside `waitUntil` (an HTTP request's or the cron's). It never
 * throws: a failed publish loses nothing, because every client catches up from `GET /changes` on
 * connect and on any gap in seq.
 */
export async function publishChanges(env: Pick<Env, "MAIN">, db: Database, txids: readonly string[]): Promise<void> {
  if (txids.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const changes = await changesOfTransactions(db, txids);
    if (changes.length === 0) return;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the room did not answer in ${PUBLISH_TIMEOUT_MS} ms`)),
        PUBLISH_TIMEOUT_MS,
      );
    });
    const room = await Promise.race([workspaceRoom(env), timeout]);
    await Promise.race([room.publish(changes), timeout]);
  } catch (err) {
    log(undefined, "warn", "publish to room failed; clients will catch up from /changes", {
      txids,
      ...errorFields(err),
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
