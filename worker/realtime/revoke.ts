import type { Env } from "../env";
import { log } from "../http/log";
import { callRoom } from "./room";

/**
 * Tells the room that the API key `keyId` was revoked: it closes that key's sockets and refuses its
 * room tokens from then on. Call it after the revocation commits. It never throws: if the room
 * cannot be reached, the key's sockets still close at their maximum session age
 * (REALTIME_MAX_SESSION_S), and its tokens expire with their TTL.
 */
export async function revokeInRoom(env: Pick<Env, "MAIN">, keyId: string): Promise<void> {
  try {
    await callRoom(env, (room) => room.revoke(keyId));
  } catch (err) {
    log(undefined, "warn", "revocation did not reach the room; its sockets close at their maximum session age", {
      key_id: keyId,
      error: String(err),
    });
  }
}
