import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { listLabels } from "../../services/labels";
import { LabelList } from "./schemas";

export const labelRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["tasks"],
    operationId: "listLabels",
    summary: "The labels in use, with their task counts",
    description:
      "Most used first. A label is one case-insensitive spelling, shown as first written; filter tasks with `GET /tasks?label=`.",
    ...scoped("tasks:read"),
    responses: { 200: json(LabelList, "Every label on some task."), ...problems() },
  }),
  async (c) => c.json({ items: await listLabels(c.var.store) }, 200),
);
