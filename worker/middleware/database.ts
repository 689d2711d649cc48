import { createMiddleware } from "hono/factory";
import { databaseFor } from "../db/client";
import type { HonoEnv } from "../env";
import { publishChanges } from "../realtime/publish";

/**
 * Gives the request its own database client. Once the response is on its way, what the request
 * committed is published to the realtime room, then the client's connections are closed.
 */
export const database = createMiddleware<HonoEnv>(async (c, next) => {
  const { db, close } = databaseFor(c.env);
  const committed: string[] = [];
  c.set("store", { db, onCommitted: (txid) => committed.push(txid) });
  try {
    await next();
  } finally {
    const publish = committed.length > 0 ? publishChanges(c.env, db, committed) : Promise.resolve();
    c.executionCtx.waitUntil(publish.finally(close));
  }
});
