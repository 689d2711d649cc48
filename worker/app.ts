import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import type { HonoEnv } from "./env";
import { onError } from "./http/on-error";
import { describeAppMiddleware, registerSharedComponents } from "./http/openapi";
import { problem, problemResponse } from "./http/problem";
import { isStreamedUpload } from "./http/uploads";
import { validationHook } from "./http/validation";
import { versionedBase } from "./http/versioning";
import { assertWritesNeedWriteScopes } from "./http/write-scopes";
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
import { attachmentRoutes, taskAttachmentRoutes } from "./routes/attachments";
import { calendarFeedRoutes } from "./routes/calendar-feeds";
import { calendarFeedFile } from "./routes/calendar-feeds/feed";
import { changeRoutes } from "./routes/changes";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { integrationRoutes } from "./routes/integrations";
import { labelRoutes } from "./routes/labels";
import { meRoutes } from "./routes/me";
import { peopleRoutes } from "./routes/people";
import { projectRoutes } from "./routes/projects";
import { realtimeRoutes } from "./routes/realtime";
import { reminderRoutes } from "./routes/reminders";
import { taskRoutes } from "./routes/tasks";
import { webhookRoutes } from "./routes/webhooks";
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

const routes = api
  .route("/health", healthRoutes)
  .route("/tasks", taskRoutes)
  .route("/tasks", taskAttachmentRoutes)
  .route("/attachments", attachmentRoutes)
  .route("/labels", labelRoutes)
  .route("/projects", projectRoutes)
  .route("/people", peopleRoutes)
  .route("/calendar-feeds", calendarFeedRoutes)
  .route("/calendar", calendarFeedFile)
  .route("/reminders", reminderRoutes)
  .route("/api-keys", apiKeyRoutes)
  .route("/me", meRoutes)
  .route("/changes", changeRoutes)
  .route("/realtime", realtimeRoutes)
  .route("/agenda", agendaRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/mcp", mcpRoutes);
// The chat providers' webhooks: outside the OpenAPI document, since only Telegram and Meta call them.
api.route("/integrations", integrationRoutes);

assertWritesNeedWriteScopes(api.openAPIRegistry.definitions, {
  "POST /realtime/token": "mints a short-lived room token for what the key may already read",
  "POST /mcp": "each tool call checks the scope of its REST route",
  "DELETE /mcp": "ends the caller's own MCP session",
  "POST /calendar-feeds": "a feed shows only what the key may already read (tasks:read)",
  "DELETE /calendar-feeds/{id}": "revokes a feed, which showed only what the key may already read",
});

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API key (`ocs_…`) or the operator's ADMIN_TOKEN. Each operation lists the scope it needs.",
});
registerSharedComponents(api.openAPIRegistry);
api.openAPIRegistry.registerPath({
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  tags: ["service"],
  summary: "This document (no auth)",
  description: "The OpenAPI 3.1 description of the API, generated from the zod schemas that validate its requests.",
  security: [],
  responses: { 200: { description: "The OpenAPI document.", content: { "application/json": { schema: {} } } } },
});
api.openAPIRegistry.registerPath({
  method: "get",
  path: "/docs",
  operationId: "getApiDocs",
  tags: ["service"],
  summary: "Interactive API docs (no auth)",
  description: "Swagger UI over /openapi.json.",
  security: [],
  responses: { 200: { description: "An HTML page.", content: { "text/html": { schema: { type: "string" } } } } },
});

const TAGS = [
  {
    name: "tasks",
    description: "To-dos with an optional due (an instant or an all-day date), time zone and recurrence.",
  },
  {
    name: "attachments",
    description: "Files on a task, stored in R2: uploaded streaming, downloaded as attachments with ranges.",
  },
  { name: "projects", description: "Groups of tasks (the seed's categories), with a colour, archivable." },
  {
    name: "people",
    description: "Who tasks are assigned to (the seed's task assignments), with their Telegram and WhatsApp handles.",
  },
  { name: "reminders", description: "Messages about a task, at an instant or relative to its due, on a channel." },
  { name: "agenda", description: "What is due and what will remind, by local day in a time zone." },
  { name: "realtime", description: "The change log (catch-up after any gap) and tokens for the live room." },
  { name: "api keys", description: "Keys with scopes, for agents and integrations (admin only)." },
  {
    name: "webhooks",
    description: "Signed outbound events, from the change log, to your URLs (n8n, Zapier, OpenClaw).",
  },
  { name: "mcp", description: "The Model Context Protocol server: the same operations as tools for agents." },
  { name: "service", description: "Liveness and the API's own description." },
];

// Built once per isolate (JSON Schema from zod costs milliseconds); only `servers` follows the request.
let document: ReturnType<typeof api.getOpenAPI31Document> | undefined;
api.get("/openapi.json", (c) => {
  document ??= describeAppMiddleware(
    api.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "OpenClaw Sync",
        version: pkg.version,
        description:
          "The real-time source of truth for tasks and reminders used by AI chat agents and the dashboard. Errors are `application/problem+json`; timestamps carry an offset; lists page with `next_cursor`.",
      },
      tags: TAGS,
    }),
  );
  const origin = new URL(c.req.url).origin;
  return c.json({
    ...document,
    servers: [
      { url: versionedBase(origin), description: "This deployment, API version 1 (canonical)" },
      { url: origin, description: "This deployment, unversioned aliases of version 1" },
    ],
  });
});
api.route("/docs", docsRoutes);
api.notFound((c) =>
  problemResponse(c, problem(404, "not-found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
);
api.onError(onError);

export const app = api;
export type AppType = typeof routes;
