import { createMiddleware } from "hono/factory";
import { databaseFor } from "../db/client";
import type { HonoEnv } from "../env";
import { publishChanges } from "../realtime/publish";

/**
 * Gives the request its own database client. postgres.js connects lazily, so routes that never
 * query cost nothing; the runtime closes the sockets when the request and its waitUntil work end
 * (closing them ourselves races postgres.js's reader and surfaces as an unhandled rejection).
 * Once the response is on its way, what the request committed is published to the realtime room.
 */
export const database = createMiddleware<HonoEnv>(async (c, next) => {
  const { sql, db } = databaseFor(c.env);
  const committed: string[] = [];
  c.set("sql", sql);
  c.set("store", { db, onCommitted: (txid) => committed.push(txid) });
  await next();
  if (committed.length > 0) c.executionCtx.waitUntil(publishChanges(c.env, db, committed));
});
