import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { DEFAULT_ROOM, PARTY } from "../../../party/protocol";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { neverReplay } from "../../middleware/idempotency";
import { issueRoomToken } from "../../realtime/token";
import { UnconfiguredError } from "../../services/errors";
import { settingsOf } from "../../settings";
import { RoomToken } from "./schemas";

export const realtimeRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "post",
    path: "/token",
    tags: ["realtime"],
    operationId: "createRoomToken",
    summary: "A short-lived token to connect to the realtime room",
    description:
      "Connect to `path` over WebSocket with `?token=` before `expires_at`; the room then sends every change with its `seq` (catch up with GET /changes after any gap).",
    // The room broadcasts task and reminder changes alike, so joining it takes both read scopes.
    ...scoped("tasks:read", "reminders:read"),
    responses: { 200: json(RoomToken, "The token and where to use it."), ...problems() },
  }),
  async (c) => {
    const { secret, tokenTtlSeconds } = settingsOf(c.env).realtime;
    if (!secret) throw new UnconfiguredError("realtime", "Realtime is not configured: set REALTIME_SECRET.");
    const token = await issueRoomToken(secret, {
      room: DEFAULT_ROOM,
      ttlSeconds: tokenTtlSeconds,
      subject: c.var.principal.id,
    });
    // A token is a credential and minting one changes nothing: a retry gets a fresh one.
    neverReplay(c);
    return c.json({ ...token, room: DEFAULT_ROOM, path: `/parties/${PARTY}/${DEFAULT_ROOM}` }, 200);
  },
);
