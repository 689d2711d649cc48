import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { isStreamedUpload } from "../http/uploads";

/**
 * `curl -d '{…}'` labels its JSON as a form. A form-labelled body that is a JSON object is read as
 * the JSON it is, so hand-typed examples work; any other non-JSON body still gets 415.
 */
export const curlJson = createMiddleware<HonoEnv>(async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (!isStreamedUpload(c.req.method, c.req.path) && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    const body = await c.req.text();
    if (body.trimStart().startsWith("{")) {
      const headers = new Headers(c.req.raw.headers);
      headers.set("content-type", "application/json");
      c.req.raw = new Request(c.req.raw, { headers, body });
    }
  }
  await next();
});
