import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { requestIdFor } from "../http/request-id";

/** Takes the caller's X-Request-Id when it is safe to echo and log, otherwise makes one. */
export const requestId = createMiddleware<HonoEnv>(async (c, next) => {
  const id = requestIdFor(c.req.header("x-request-id"));
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
