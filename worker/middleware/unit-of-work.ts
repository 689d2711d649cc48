import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { beginUnitOfWork } from "../work/unit-of-work";

/**
 * Opens the request's unit of work and hands its store to the routes (`c.var.store`). Once the
 * response is on its way, the unit of work publishes what the request committed to the realtime
 * room and closes its connections, in `waitUntil`.
 */
export const unitOfWork = createMiddleware<HonoEnv>(async (c, next) => {
  const work = beginUnitOfWork(c.env);
  c.set("store", work.store);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(work.end());
  }
});
