import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { json, problemResponses } from "../../http/openapi";
import { describeCaller } from "../../services/api-keys";
import { Caller } from "./schemas";

export const meRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["api keys"],
    operationId: "getCaller",
    summary: "Who is calling: the credential, its name and scopes",
    description:
      "Any valid credential may ask, whatever its scopes (so it never answers 403): a client learns what it may do, such as whether to offer admin views, without trying an admin route.",
    // Authenticated (401 without a valid credential), but no scope is needed.
    security: [{ bearer: [] }],
    responses: { 200: json(Caller, "The caller."), ...problemResponses(401, 429, 503) },
  }),
  (c) => c.json(describeCaller(c.var.principal), 200),
);
