import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import pkg from "../../../package.json";
import { isDatabaseUnavailable } from "../../db/errors";
import type { HonoEnv } from "../../env";
import { errorFields, log } from "../../http/log";
import { json, problemResponses } from "../../http/openapi";
import { z } from "../../http/zod";
import { UnavailableError } from "../../services/errors";

const Health = z.object({ status: z.literal("ok"), db: z.literal("ok"), version: z.string() }).openapi("Health");

export const healthRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["service"],
    operationId: "getHealth",
    summary: "Liveness and database reachability (no auth)",
    description: "200 when the Worker and its database answer; 503 with Retry-After when the database does not.",
    security: [],
    responses: { 200: json(Health, "The API and its database answer."), ...problemResponses(503) },
  }),
  async (c) => {
    try {
      await c.var.store.db.execute(sql`select 1`);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) log(c, "error", "health check failed", errorFields(err));
      throw new UnavailableError("The database does not answer.");
    }
    return c.json({ status: "ok" as const, db: "ok" as const, version: pkg.version }, 200);
  },
);
