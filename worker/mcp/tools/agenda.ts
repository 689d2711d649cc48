import { Agenda, AgendaQuery } from "../../routes/agenda/schemas";
import { toAgenda } from "../../routes/agenda/view";
import { getAgenda } from "../../services/agenda";
import { hasScope } from "../../services/api-keys";
import { defineTool, TIME_RULE } from "../tool";

export const agendaTool = defineTool({
  name: "agenda",
  title: "Agenda",
  description: `What the user has on: pending tasks due and reminders that will fire between from and to, grouped by local day in tz, with overdue pending tasks (due before from) listed first. Without from and to it covers today in tz. Use it for "what's on today / tomorrow / this week". Pass the user's IANA time zone as tz (e.g. Europe/Berlin, America/New_York); if you do not know it, ask. The window may span at most 62 days. Each entry has at (UTC) and local_time (the wall-clock time in tz, with its offset): quote local_time to the user. Reminders are included only if the key may read them (includes_reminders). ${TIME_RULE}`,
  scope: "tasks:read",
  input: AgendaQuery,
  output: Agenda,
  arguments: {
    from: "Start of the window (inclusive), with an offset. Default: the start of today in tz.",
    to: "End of the window (exclusive), with an offset. Default: the end of from's day in tz.",
    tz: "The user's IANA time zone, e.g. Europe/Berlin. Default UTC.",
    assignee: "Optional: only one person's tasks (their id, from list_people), or none for unassigned ones.",
  },
  annotations: { readOnlyHint: true, idempotentHint: true },
  run: async ({ store, principal }, args) =>
    toAgenda(await getAgenda(store, { ...args, reminders: hasScope(principal, "reminders:read") })),
});
