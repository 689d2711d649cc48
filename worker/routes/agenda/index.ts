import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { json, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { type AgendaEntry, type Agenda as AgendaResult, getAgenda } from "../../services/agenda";
import { hasScope } from "../../services/api-keys";
import { toReminder } from "../reminders";
import { toTask } from "../tasks";
import { Agenda, AgendaQuery } from "./schemas";

const timed = (entry: AgendaEntry) => ({ at: entry.at.toISOString(), local_time: entry.local_time });

const toEntry = (entry: AgendaEntry) =>
  entry.kind === "task"
    ? { kind: entry.kind, ...timed(entry), task: toTask(entry.task) }
    : { kind: entry.kind, ...timed(entry), reminder: toReminder(entry.reminder), task: toTask(entry.task) };

/** An agenda as the API shows it (REST and the MCP tool alike). */
export const toAgenda = (agenda: AgendaResult): z.infer<typeof Agenda> => ({
  tz: agenda.tz,
  from: agenda.from.toISOString(),
  to: agenda.to.toISOString(),
  overdue: agenda.overdue.map((entry) => ({ kind: "task" as const, ...timed(entry), task: toTask(entry.task) })),
  days: agenda.days.map((day) => ({ date: day.date, entries: day.entries.map(toEntry) })),
  includes_reminders: agenda.includes_reminders,
  truncated: agenda.truncated,
});

export const agendaRoutes = new OpenAPIHono<HonoEnv>().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["agenda"],
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
