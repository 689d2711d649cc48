import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is safe to echo and log, otherwise makes one. */
export const requestId = createMiddleware<HonoEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
