import { sign, verify } from "hono/utils/jwt/jwt";

/** Room tokens are for the room alone: an API would refuse one, and the room refuses anything else. */
const AUDIENCE = "openclaw-sync/room";

export interface RoomToken {
  token: string;
  expires_at: string;
}

/**
 * A short-lived HS256 token admitting its holder to `room`. The room checks it without a database
 * call; it is only checked on connect, so it need only outlive the connection attempt.
 */
export async function issueRoomToken(
  secret: string,
  input: { room: string; ttlSeconds: number; subject?: string },
): Promise<RoomToken> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + input.ttlSeconds;
  const token = await sign(
    { aud: AUDIENCE, room: input.room, iat: now, exp, ...(input.subject ? { sub: input.subject } : {}) },
    secret,
    "HS256",
  );
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}

/** True only for an unexpired token signed with `secret` for `room`. */
export async function verifyRoomToken(secret: string, token: string, room: string): Promise<boolean> {
  try {
    const claims = await verify(token, secret, { alg: "HS256", aud: AUDIENCE });
    return claims.room === room;
  } catch {
    return false;
  }
}
