import { routePartykitRequest } from "partyserver";
import { PARTY } from "../../party/protocol";
import type { Env } from "../env";
import { problem } from "../http/problem";
import { verifyRoomToken } from "./token";

const refuse = (status: number, slug: string, detail: string) =>
  new Response(JSON.stringify(problem(status, slug, detail)), {
    status,
    headers: { "content-type": "application/problem+json" },
  });

/**
 * Serves `/parties/main/:room` (PartyKit's path, so `partysocket` clients connect unchanged) and
 * returns null for every other path. Runs in the Worker, in front of the room: a WebSocket upgrade
 * must carry a valid room token (`?token=`, as browsers cannot set headers on one), checked without
 * the database; plain HTTP is refused, so nothing but the Worker's own RPC can make the room broadcast.
 */
export async function routeRoomRequest(request: Request, env: Env): Promise<Response | null> {
  // Any other /parties/… path is the API's 404, not partyserver's plain-text 400.
  if (!new URL(request.url).pathname.startsWith(`/parties/${PARTY}/`)) return null;
  return routePartykitRequest(request, env, {
    onBeforeConnect: async (req, lobby) => {
      const secret = env.REALTIME_SECRET;
      if (!secret) return refuse(503, "realtime-unconfigured", "The room is not configured: REALTIME_SECRET is unset.");
      const token = new URL(req.url).searchParams.get("token");
      if (!token) return refuse(401, "unauthorized", "Connect with ?token= from POST /realtime/token.");
      if (!(await verifyRoomToken(secret, token, lobby.name))) {
        return refuse(401, "unauthorized", "The room token is invalid, expired, or for another room; fetch a new one.");
      }
    },
    onBeforeRequest: () => refuse(404, "not-found", "The room only accepts WebSocket connections."),
  });
}
