import { timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";

export const RoomToken = z
  .object({
    token: z.string().openapi({ description: "Pass as `?token=` when connecting to the room." }),
    expires_at: timestampOutput().openapi({
      description:
        "Connect before this. The socket then lives until REALTIME_MAX_SESSION_S (close code 4000: reconnect with a new token) or until the key is revoked (4001).",
    }),
    room: z.string().openapi({ example: "default" }),
    path: z.string().openapi({ example: "/parties/main/default", description: "Where to connect (WebSocket)." }),
  })
  .openapi("RoomToken");
