import { z } from "@hono/zod-openapi";
import { timestampOutput } from "../../http/fields";

export const RoomToken = z
  .object({
    token: z.string().openapi({ description: "Pass as `?token=` when connecting to the room." }),
    expires_at: timestampOutput().openapi({ description: "Connect before this; a live connection is not cut." }),
    room: z.string().openapi({ example: "default" }),
    path: z.string().openapi({ example: "/parties/main/default", description: "Where to connect (WebSocket)." }),
  })
  .openapi("RoomToken");
