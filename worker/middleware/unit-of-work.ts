import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { nudgeWebhooks } from "../webhooks/announce";
import { beginUnitOfWork } from "../work/unit-of-work";

/**
 * Opens the request's unit of work and hands its store to the routes (`c.var.store`). Once the
 * response is on its way, the unit of work publishes what the request committed to the realtime
 * room, sends it to webhook subscribers and closes its connections, in `waitUntil`.
 */
export const unitOfWork = createMiddleware<HonoEnv>(async (c, next) => {
  const work = beginUnitOfWork(c.env, { afterChanges: nudgeWebhooks(c.env) });
  c.set("store", work.store);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(work.end());
  }
});
