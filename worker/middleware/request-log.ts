import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { log } from "../http/log";

/** One structured line per request: who (key id, never the key), what, outcome and duration. */
export const requestLog = createMiddleware<HonoEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  log(c, c.res.status >= 500 ? "error" : "info", "request", {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Date.now() - started,
    key_id: c.get("principal")?.id,
  });
});
