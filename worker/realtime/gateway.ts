import { routePartykitRequest } from "partyserver";
import { PARTY, ROOM_KEY_HEADER } from "../../party/protocol";
import type { Env } from "../env";
import { problem, problemAsResponse } from "../http/problem";
import { requestIdFor } from "../http/request-id";
import { settingsOf } from "../settings";
import { verifyRoomToken } from "./token";

/** The API's problem shape, with a request id as the API gives one (the caller's, when it is safe to echo). */
const refuser = (request: Request) => {
  const requestId = requestIdFor(request.headers.get("x-request-id"));
  return (status: number, slug: string, detail: string) => problemAsResponse(problem(status, slug, detail), requestId);
};

/**
 * Serves `/parties/main/:room` (PartyKit's path, so `partysocket` clients connect unchanged) and
 * returns null for every other path. Runs in the Worker, in front of the room: a WebSocket upgrade
 * must carry a valid room token (`?token=`, as browsers cannot set headers on one), checked without
 * the database; the room learns whose key it speaks for from `ROOM_KEY_HEADER` (and refuses a revoked
 * one). Plain HTTP is refused, so nothing but the Worker's own RPC can make the room broadcast.
 */
export async function routeRoomRequest(request: Request, env: Env): Promise<Response | null> {
  // Any other /parties/… path is the API's 404, not partyserver's plain-text 400.
  if (!new URL(request.url).pathname.startsWith(`/parties/${PARTY}/`)) return null;
  const refuse = refuser(request);
  return routePartykitRequest(request, env, {
    onBeforeConnect: async (req, lobby) => {
      const { secret } = settingsOf(env).realtime;
      if (!secret) return refuse(503, "realtime-unconfigured", "The room is not configured: REALTIME_SECRET is unset.");
      const token = new URL(req.url).searchParams.get("token");
      if (!token) return refuse(401, "unauthenticated", "Connect with ?token= from POST /realtime/token.");
      const verified = await verifyRoomToken(secret, token, lobby.name);
      if (!verified) {
        return refuse(
          401,
          "unauthenticated",
          "The room token is invalid, expired, or for another room; fetch a new one.",
        );
      }
      // Set, never passed on: a client's own header of this name is overwritten here.
      const admitted = new Request(req);
      admitted.headers.set(ROOM_KEY_HEADER, verified.subject);
      return admitted;
    },
    onBeforeRequest: () => refuse(404, "not-found", "The room only accepts WebSocket connections."),
  });
}
