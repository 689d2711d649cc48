import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { listChanges } from "../../services/changes";
import { ChangePage, ChangeQuery } from "./schemas";

export const changeRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["realtime"],
    operationId: "listChanges",
    summary: "Changes committed after a cursor, in commit order",
    description:
      "The catch-up half of realtime sync: every change after `since`, none twice, under any number of concurrent writers. 410 when `since` is older than the retained history (reload, then continue).",
    // The log carries tasks and reminders alike, so reading it takes both read scopes.
    ...scoped("tasks:read", "reminders:read"),
    request: { query: ChangeQuery },
    responses: { 200: json(ChangePage, "One page of changes."), ...problems(410, 422) },
  }),
  // `data` is built by the same resource shaping as the REST routes, typed loosely as JSON.
  async (c) => c.json((await listChanges(c.var.store, c.req.valid("query"))) as z.infer<typeof ChangePage>, 200),
);
