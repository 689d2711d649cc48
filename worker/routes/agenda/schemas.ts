import { timestampInput, timestampOutput, timeZoneInput } from "../../http/fields";
import { z } from "../../http/zod";
import { AGENDA_MAX_DAYS } from "../../services/agenda";
import { Reminder } from "../reminders/schemas";
import { assigneeFilter, Task } from "../tasks/schemas";

export const AgendaQuery = z.strictObject({
  from: timestampInput()
    .optional()
    .openapi({ description: "Start of the window (inclusive), with an offset. Default: the start of today in `tz`." }),
  to: timestampInput()
    .optional()
    .openapi({
      description: `End of the window (exclusive), with an offset; at most ${AGENDA_MAX_DAYS} days after \`from\`. Default: the end of \`from\`'s local day in \`tz\`.`,
    }),
  tz: timeZoneInput()
    .default("UTC")
    .openapi({ description: "IANA time zone whose local days group the agenda.", example: "Europe/Berlin" }),
  assignee: assigneeFilter("tasks (and their reminders)"),
});

const timed = {
  at: timestampOutput().openapi({ description: "When it is due or will remind, in UTC." }),
  local_time: z.string().openapi({
    description: "The same instant on the wall clock of `tz`, with its offset.",
    example: "2026-03-01T09:00:00+01:00",
  }),
};

const TaskEntry = z
  .object({ kind: z.literal("task"), ...timed, task: Task })
  .openapi("AgendaTaskEntry", { description: "A pending task due at `at`." });

const ReminderEntry = z
  .object({ kind: z.literal("reminder"), ...timed, reminder: Reminder, task: Task })
  .openapi("AgendaReminderEntry", {
    description:
      "A scheduled reminder that will fire at `at`, or one that failed or was missed, at the time it was due; with its task.",
  });

export const Agenda = z
  .object({
    tz: z.string(),
    from: timestampOutput(),
    to: timestampOutput(),
    overdue: z
      .array(TaskEntry)
      .openapi({ description: "Pending tasks due before `from`, oldest first (the 50 most recently due)." }),
    days: z
      .array(
        z.object({
          date: z.iso.date().openapi({ description: "A local date in `tz`." }),
          entries: z.array(z.discriminatedUnion("kind", [TaskEntry, ReminderEntry])),
        }),
      )
      .openapi({ description: "Local days with something on them, in order; entries by time within each day." }),
    includes_reminders: z
      .boolean()
      .openapi({ description: "False when the key lacks `reminders:read`: reminders were not looked at." }),
    truncated: z.boolean().openapi({ description: "A limit cut the agenda short; ask for a shorter window." }),
  })
  .openapi("Agenda");
