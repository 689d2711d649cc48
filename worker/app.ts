import type { OpenAPIHono } from "@hono/zod-openapi";
import { type Hono, Hono as HonoApp } from "hono";
import type { MergeSchemaPath } from "hono/types";
import pkg from "../package.json";
import type { Env, HonoEnv } from "./env";
import { describeAppMiddleware, registerSharedComponents } from "./http/openapi";
import { versionedBase } from "./http/versioning";
import { assertWritesNeedWriteScopes } from "./http/write-scopes";
import { lazy } from "./lazy";
import { withMiddleware } from "./middleware/stack";

/**
 * The API's parts by the first segment of their paths, each loaded on its part's first request
 * (issue #21): building a part's zod schemas and routes is most of the Worker's start, and an
 * isolate serves few of the parts. Each part is served by its own app behind the same middleware
 * (middleware/stack.ts); the whole API, all parts in one app, exists for its OpenAPI document,
 * its types (AppType) and the tests.
 */
const PARTS = {
  health: () => import("./routes/health").then((m) => [["/health", m.healthRoutes]] as const),
  tasks: () =>
    Promise.all([import("./routes/tasks"), import("./routes/attachments")]).then(
      ([tasks, attachments]) =>
        [
          ["/tasks", tasks.taskRoutes],
          ["/tasks", attachments.taskAttachmentRoutes],
        ] as const,
    ),
  attachments: () => import("./routes/attachments").then((m) => [["/attachments", m.attachmentRoutes]] as const),
  labels: () => import("./routes/labels").then((m) => [["/labels", m.labelRoutes]] as const),
  projects: () => import("./routes/projects").then((m) => [["/projects", m.projectRoutes]] as const),
  people: () => import("./routes/people").then((m) => [["/people", m.peopleRoutes]] as const),
  "calendar-feeds": () =>
    import("./routes/calendar-feeds").then((m) => [["/calendar-feeds", m.calendarFeedRoutes]] as const),
  calendar: () => import("./routes/calendar-feeds/feed").then((m) => [["/calendar", m.calendarFeedFile]] as const),
  reminders: () => import("./routes/reminders").then((m) => [["/reminders", m.reminderRoutes]] as const),
  "api-keys": () => import("./routes/api-keys").then((m) => [["/api-keys", m.apiKeyRoutes]] as const),
  me: () => import("./routes/me").then((m) => [["/me", m.meRoutes]] as const),
  changes: () => import("./routes/changes").then((m) => [["/changes", m.changeRoutes]] as const),
  realtime: () => import("./routes/realtime").then((m) => [["/realtime", m.realtimeRoutes]] as const),
  agenda: () => import("./routes/agenda").then((m) => [["/agenda", m.agendaRoutes]] as const),
  webhooks: () => import("./routes/webhooks").then((m) => [["/webhooks", m.webhookRoutes]] as const),
  mcp: () => import("./mcp/route").then((m) => [["/mcp", m.mcpRoutes]] as const),
  // The chat providers' webhooks: outside the OpenAPI document (a plain Hono app), since only Telegram and Meta call them.
  integrations: () => import("./routes/integrations").then((m) => [["/integrations", m.integrationRoutes]] as const),
  docs: () => import("./routes/docs").then((m) => [["/docs", m.docsRoutes]] as const),
  "openapi.json": () => Promise.resolve([["/openapi.json", documentRoute()]] as const),
};
type Part = keyof typeof PARTS;
type Mount = Awaited<ReturnType<(typeof PARTS)[Part]>>[number];

function mount(api: OpenAPIHono<HonoEnv>, mounts: readonly Mount[]) {
  for (const [path, routes] of mounts) api.route(path, routes as Hono<HonoEnv>);
  return api;
}

/**
 * A part's app, or the bare stack (its 404, and CORS preflights) for every path no part serves:
 * one app for all of those, so made-up first segments cannot grow this map.
 */
const served = new Map<Part | "none", () => Promise<OpenAPIHono<HonoEnv>>>();
function partApp(segment: string) {
  const part = Object.hasOwn(PARTS, segment) ? (segment as Part) : "none";
  let app = served.get(part);
  if (!app) {
    app = lazy(async () => mount(withMiddleware(), part === "none" ? [] : await PARTS[part]()));
    served.set(part, app);
  }
  return app();
}

/** Serves an API request (the path without its /v1) by the part its first segment names. */
export async function serveApi(request: Request, env: Env, ctx: ExecutionContext) {
  const segment = new URL(request.url).pathname.split("/", 2)[1] ?? "";
  return (await partApp(segment)).fetch(request, env, ctx);
}

/** Every part in one app: what the OpenAPI document describes, checked for its scopes once built. */
export const wholeApi = lazy(async () => {
  const parts = await Promise.all(Object.values(PARTS).map((part) => part()));
  const api = mount(withMiddleware(), parts.flat());
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
  return api;
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

/** GET /openapi.json, of the whole API: built once per isolate (JSON Schema from zod costs milliseconds); only `servers` follows the request. */
function documentRoute() {
  let document: ReturnType<OpenAPIHono<HonoEnv>["getOpenAPI31Document"]> | undefined;
  return new HonoApp<HonoEnv>().get("/", async (c) => {
    const api = await wholeApi();
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
}

type SchemaOf<M> = M extends readonly [infer P extends string, Hono<infer _E, infer S, infer _B>]
  ? MergeSchemaPath<S, P>
  : never;
/** The whole API's routes as types, for the typed client (client/api.ts, Hono RPC). */
export type AppType = OpenAPIHono<HonoEnv, SchemaOf<Mount>, "/">;
