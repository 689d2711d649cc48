import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { listChangesJson } from "../../services/changes";
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
  // The page comes rendered from Postgres (services/views-json.ts): the JSON c.json would send, typed as it.
  async (c) =>
    c.body(await listChangesJson(c.var.store, c.req.valid("query")), 200, {
      "content-type": "application/json",
    }) as unknown as TypedResponse<z.infer<typeof ChangePage>, 200, "json">,
);
