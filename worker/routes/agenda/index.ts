import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { getAgenda } from "../../services/agenda";
import { hasScope } from "../../services/api-keys";
import { Agenda, AgendaQuery } from "./schemas";
import { toAgenda } from "./view";
export const agendaRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["agenda"],
    operationId: "getAgenda",
    summary: "What is due and what will remind, by local day in a time zone, overdue first",
    description:
      "Pending tasks whose `due_time` falls in [from, to) and scheduled reminders that will fire in it, grouped by local day in `tz`; pending tasks due before `from` are listed first as `overdue`. Without `from` and `to`: today in `tz`. Reminders are included when the key may also read them (`reminders:read`).",
    ...scoped("tasks:read"),
    request: { query: AgendaQuery },
    responses: { 200: json(Agenda, "The agenda."), ...problems(422) },
  }),
  async (c) => {
    const reminders = hasScope(c.var.principal, "reminders:read");
    return c.json(toAgenda(await getAgenda(c.var.store, { ...c.req.valid("query"), reminders })), 200);
  },
);
