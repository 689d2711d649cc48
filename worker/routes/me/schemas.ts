import { API_SCOPES } from "../../db/schema";
import { z } from "../../http/zod";

export const Caller = z
  .object({
    kind: z.enum(["api_key", "admin_token"]).openapi({
      description:
        "`api_key`: a key from POST /api-keys or `npm run key:create`; `admin_token`: the operator's ADMIN_TOKEN. (OAuth access tokens are for /mcp only and get 401 here, as on every REST route.)",
    }),
    id: z
      .uuid()
      .nullable()
      .openapi({ description: "The API key's id (as in GET /api-keys); null for the ADMIN_TOKEN." }),
    name: z.string().openapi({ description: "The key's name, or `ADMIN_TOKEN`.", example: "telegram-bot" }),
    scopes: z
      .array(z.enum(API_SCOPES))
      .openapi({ description: "The scopes granted; `admin` holds every scope.", example: ["tasks:read"] }),
    admin: z.boolean().openapi({ description: "Whether the caller holds `admin` (may manage keys and webhooks)." }),
  })
  .openapi("Caller");
