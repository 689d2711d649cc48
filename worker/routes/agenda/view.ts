import type { z } from "@hono/zod-openapi";
import type { AgendaEntry, Agenda as AgendaResult } from "../../services/agenda";
import { toReminder } from "../reminders/view";
import { toTask } from "../tasks/view";
import type { Agenda } from "./schemas";

const timed = (entry: AgendaEntry) => ({ at: entry.at.toISOString(), local_time: entry.local_time });

// A reminder row carries no zone of its own: it is its task's, as everywhere else in the API.
const toEntry = (entry: AgendaEntry) =>
  entry.kind === "task"
    ? { kind: entry.kind, ...timed(entry), task: toTask(entry.task) }
    : {
        kind: entry.kind,
        ...timed(entry),
        reminder: toReminder({ ...entry.reminder, timezone: entry.task.timezone }),
        task: toTask(entry.task),
      };

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
