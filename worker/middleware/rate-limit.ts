import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { problem, problemResponse } from "../http/problem";

/** The binding's window (wrangler.toml `simple.period`); a refused caller may retry after it. */
const PERIOD_SECONDS = 60;

/**
 * One budget per API key (the binding counts per key, per Cloudflare location). Runs after
 * authentication, so unauthenticated noise is refused before it can spend anyone's budget.
 */
export const rateLimit = createMiddleware<HonoEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (principal) {
    const { success } = await c.env.RATE_LIMITER.limit({ key: principal.id });
    if (!success) {
      return problemResponse(
        c,
        problem(429, "rate-limited", `Too many requests for this API key; retry after ${PERIOD_SECONDS} seconds.`),
        { "retry-after": String(PERIOD_SECONDS) },
      );
    }
  }
  await next();
});
