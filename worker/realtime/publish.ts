import type { Change } from "../../party/protocol";
import type { Env } from "../env";
import { errorFields, log } from "../http/log";
import { changesOfTransactions } from "../services/changes";
import type { Store } from "../services/store";
import { callRoom } from "./room";

/**
 * Sends `changes` to the room, which broadcasts them. Call it after commit inside `waitUntil`. It
 * never throws: a failed publish loses nothing, because every client catches up from
 * `GET /changes` on connect and on any gap in seq.
 */
export async function broadcastChanges(env: Pick<Env, "MAIN">, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  try {
    await callRoom(env, (room) => room.publish([...changes]));
  } catch (err) {
    log(undefined, "warn", "publish to room failed; clients will catch up from /changes", {
      seqs: changes.map((change) => change.seq),
      ...errorFields(err),
    });
  }
}

/** Reads what the committed transactions `txids` wrote to the change log and broadcasts it; never throws. */
export async function publishChanges(env: Pick<Env, "MAIN">, store: Store, txids: readonly string[]): Promise<void> {
  if (txids.length === 0) return;
  try {
    await broadcastChanges(env, await changesOfTransactions(store, { txids }));
  } catch (err) {
    log(undefined, "warn", "publish to room failed; clients will catch up from /changes", {
      txids,
      error: String(err),
    });
  }
}
