import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { HonoEnv } from "../env";
import { onError } from "../http/on-error";
import { problem, problemResponse } from "../http/problem";
import { isStreamedUpload } from "../http/uploads";
import { validationHook } from "../http/validation";
import { settingsOf } from "../settings";
import { authenticate } from "./auth";
import { cors } from "./cors";
import { curlJson } from "./curl-json";
import { idempotency } from "./idempotency";
import { rateLimit } from "./rate-limit";
import { requestId } from "./request-id";
import { requestLog } from "./request-log";
import { unitOfWork } from "./unit-of-work";

/**
 * A Hono app with the API's whole middleware stack, its 404 and its error format: the one stack
 * each part of the API (app.ts) is served behind, in this order.
 */
export function withMiddleware() {
  const api = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  api.use(requestId);
  api.use(requestLog);
  /**
   * Every response of the Worker: the API's JSON and /docs (the dashboard's static files get the same
   * from dashboard/public/_headers). Scripts, styles and connections from this origin only, no inline
   * script or style, never framed.
   */
  api.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Swagger UI's stylesheet draws its icons as data: URLs.
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: "DENY",
    }),
  );
  api.use(cors);
  api.use(async (c, next) => {
    if (isStreamedUpload(c.req.method, c.req.path)) return next();
    const { maxBodyBytes } = settingsOf(c.env).http;
    return bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HTTPException(413, { message: `The body is larger than ${maxBodyBytes} bytes.` });
      },
    })(c, next);
  });
  api.use(curlJson);
  api.use(unitOfWork);
  api.use(authenticate);
  api.use(rateLimit);
  api.use(idempotency);
  api.notFound((c) =>
    problemResponse(c, problem(404, "not-found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
  );
  api.onError(onError);
  return api;
}
