import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { settingsOf } from "../settings";

/**
 * Browsers may call the API from the origins in CORS_ORIGINS. Auth is a bearer header, never a
 * cookie, so credentials are never allowed, and `*` is only ever a wildcard without them.
 */
export const cors = createMiddleware<HonoEnv>(async (c, next) => {
  const allowed = settingsOf(c.env).http.corsOrigins;
  return honoCors({
    origin: (origin) => (allowed.includes("*") ? "*" : allowed.includes(origin) ? origin : null),
    credentials: false,
    allowHeaders: [
      "authorization",
      "content-type",
      "idempotency-key",
      "if-match",
      "if-none-match",
      "x-request-id",
      // Browser MCP clients send it on every request after `initialize`.
      "mcp-protocol-version",
      // A download resumed or read in pieces (GET /attachments/{id}).
      "range",
      "if-range",
    ],
    exposeHeaders: [
      "etag",
      "location",
      "retry-after",
      "idempotent-replayed",
      "x-request-id",
      // A download's name and, for a range, which bytes it holds.
      "content-disposition",
      "content-range",
    ],
    maxAge: 600,
  })(c, next);
});
