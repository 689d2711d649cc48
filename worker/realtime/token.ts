import { sign, verify } from "hono/utils/jwt/jwt";

/** Room tokens are for the room alone: an API would refuse one, and the room refuses anything else. */
const AUDIENCE = "openclaw-sync/room";

export interface RoomToken {
  token: string;
  expires_at: string;
}

/**
 * A short-lived HS256 token admitting its holder to `room`, on behalf of the API key `subject`
 * (`sub`; the admin token's principal is `admin-token`), so the room can close that key's sockets
 * when it is revoked. The Worker checks it without a database call when a socket connects.
 */
export async function issueRoomToken(
  secret: string,
  input: { room: string; ttlSeconds: number; subject: string },
): Promise<RoomToken> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + input.ttlSeconds;
  const token = await sign({ aud: AUDIENCE, room: input.room, sub: input.subject, iat: now, exp }, secret, "HS256");
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}

/** The key a token speaks for, only if it is unexpired, signed with `secret`, for `room`, and names one. */
export async function verifyRoomToken(
  secret: string,
  token: string,
  room: string,
): Promise<{ subject: string } | null> {
  try {
    const claims = await verify(token, secret, { alg: "HS256", aud: AUDIENCE });
    if (claims.room !== room || typeof claims.sub !== "string" || !claims.sub) return null;
    return { subject: claims.sub };
  } catch {
    return null;
  }
}
