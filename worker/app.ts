import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import type { HonoEnv } from "./env";
import { onError } from "./http/on-error";
import { problem, problemResponse } from "./http/problem";
import { validationHook } from "./http/validation";
import { mcpRoutes } from "./mcp/route";
import { authenticate } from "./middleware/auth";
import { cors } from "./middleware/cors";
import { curlJson } from "./middleware/curl-json";
import { idempotency } from "./middleware/idempotency";
import { rateLimit } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { unitOfWork } from "./middleware/unit-of-work";
import { agendaRoutes } from "./routes/agenda";
import { apiKeyRoutes } from "./routes/api-keys";
import { changeRoutes } from "./routes/changes";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { realtimeRoutes } from "./routes/realtime";
import { reminderRoutes } from "./routes/reminders";
import { taskRoutes } from "./routes/tasks";
import { settingsOf } from "./settings";

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

const routes = api
  .route("/health", healthRoutes)
  .route("/tasks", taskRoutes)
  .route("/reminders", reminderRoutes)
  .route("/api-keys", apiKeyRoutes)
  .route("/changes", changeRoutes)
  .route("/realtime", realtimeRoutes)
  .route("/agenda", agendaRoutes)
  .route("/mcp", mcpRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API key (`ocs_…`) or the operator's ADMIN_TOKEN. Each operation lists the scope it needs.",
});
api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "OpenClaw Sync",
    version: pkg.version,
    description: "The real-time source of truth for tasks and reminders used by AI chat agents and the dashboard.",
  },
});
api.route("/docs", docsRoutes);
api.notFound((c) =>
  problemResponse(c, problem(404, "not-found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
);
api.onError(onError);

export const app = api;
export type AppType = typeof routes;
