import { and, asc, desc, eq, gte, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import { INSTANT_MAX } from "../db/instant-range";
import { type ReminderRow, reminders, type TaskRow, tasks } from "../db/schema";
import { InvalidInputError } from "./errors";
import { dateInZone, localTimestamp, nextDate, startOfLocalDay } from "./local-days";
import type { Store } from "./store";

/** The longest window one agenda covers: two months of days, whatever their lengths. */
export const AGENDA_MAX_DAYS = 62;
/** Overdue tasks shown at most (the most recently due), and due tasks or reminders per window. */
export const OVERDUE_LIMIT = 50;
export const WINDOW_LIMIT = 500;

export interface AgendaRequest {
  /** Start of the window (inclusive); default the start of today in `tz`. */
  from?: Date;
  /** End of the window (exclusive); default the end of `from`'s local day in `tz`. */
  to?: Date;
  /** IANA zone whose local days group the agenda. */
  tz: string;
  /** Whether to look at reminders: false for a caller who may read tasks but not reminders. */
  reminders: boolean;
  /** Only tasks assigned to this person (and their reminders), or "none" for unassigned ones. */
  assignee?: string;
  /** The moment "today" is read from; now when absent. */
  now?: Date;
}

interface Timed {
  at: Date;
  /** `at` on the wall clock of the agenda's zone, with its offset. */
  local_time: string;
}
export type TaskEntry = Timed & { kind: "task"; task: TaskRow };
export type ReminderEntry = Timed & { kind: "reminder"; reminder: ReminderRow; task: TaskRow };
export type AgendaEntry = TaskEntry | ReminderEntry;

export interface Agenda {
  tz: string;
  from: Date;
  to: Date;
  /** Pending tasks due before `from`, oldest first. */
  overdue: TaskEntry[];
  /** Local days of `tz` that have something on them, in order; entries by time within each. */
  days: { date: string; entries: AgendaEntry[] }[];
  /** Whether reminders were looked at (the caller may read them). */
  includes_reminders: boolean;
  /** A limit cut the agenda short: ask for a shorter window. */
  truncated: boolean;
}

const windowProblem = (message: string) =>
  new InvalidInputError(`Invalid agenda window: ${message}.`, [{ path: "to", location: "query", message }]);

/** The end of `start`'s local day; for a day that ends past the instant range, the range's end. */
function endOfLocalDay(start: Date, tz: string) {
  const date = dateInZone(start, tz);
  const end =
    date >= "9999-12-31" || !/^\d{4}-/.test(date) ? Number.NaN : startOfLocalDay(nextDate(date), tz).getTime();
  return new Date(Number.isNaN(end) || end > INSTANT_MAX ? INSTANT_MAX : end);
}

/** Fills in the defaults and bounds the window. */
export function agendaWindow({ from, to, tz }: Pick<AgendaRequest, "from" | "to" | "tz">, now = new Date()) {
  const start = from ?? startOfLocalDay(dateInZone(now, tz), tz);
  const end = to ?? endOfLocalDay(start, tz);
  if (end <= start) throw windowProblem("'to' must be later than 'from'");
  if (end.getTime() - start.getTime() > AGENDA_MAX_DAYS * 86_400_000) {
    throw windowProblem(`the window may span at most ${AGENDA_MAX_DAYS} days`);
  }
  return { from: start, to: end };
}

/**
 * Reminders of the window, with their tasks, as one UNION ALL: scheduled ones of pending tasks that
 * will fire in [from, to) (the scan skips the others), and those that failed or were missed, at the
 * time they were due, so a reminder that reached no one stays on its day.
 */
function windowReminders(store: Store, from: Date, to: Date, assigned: SQL | undefined) {
  return unionAll(
    store.db
      .select({ reminder: reminders, task: tasks })
      .from(reminders)
      .innerJoin(tasks, eq(tasks.id, reminders.task_id))
      .where(
        and(
          eq(reminders.status, "scheduled"),
          eq(tasks.status, "pending"),
          gte(reminders.next_attempt_at, from),
          lt(reminders.next_attempt_at, to),
          assigned,
        ),
      )
      .orderBy(asc(reminders.next_attempt_at), asc(reminders.id))
      .limit(WINDOW_LIMIT + 1),
    store.db
      .select({ reminder: reminders, task: tasks })
      .from(reminders)
      .innerJoin(tasks, eq(tasks.id, reminders.task_id))
      .where(
        and(
          // Spelled as the partial index `reminders_unsent_idx` is, so the planner uses it.
          sql`${reminders.status} <> 'scheduled' and ${reminders.status} <> 'sent'`,
          inArray(reminders.status, ["failed", "missed"]),
          gte(reminders.remind_at, from),
          lt(reminders.remind_at, to),
          assigned,
        ),
      )
      .orderBy(asc(reminders.remind_at), asc(reminders.id))
      .limit(WINDOW_LIMIT + 1),
  );
}

const assignedTo = (assignee: string | undefined) =>
  assignee === "none" ? isNull(tasks.assignee_id) : assignee ? eq(tasks.assignee_id, assignee) : undefined;

/** When a reminder stands on the agenda: when it will fire, or, having reached no one, when it was due. */
const agendaTime = (reminder: ReminderRow) =>
  reminder.status === "scheduled" ? reminder.next_attempt_at : reminder.remind_at;

/**
 * What is due and what will remind between `from` and `to`, grouped by local day in `tz`, with
 * overdue tasks first. Two statements sent together (one round trip of latency): pending tasks,
 * overdue and due in the window, as one UNION ALL; and the window's reminders joined to their tasks.
 * Entries carry whole rows, so task fields added later (a task's own zone, all-day dates) reach the
 * agenda's callers, and a rule that places them on a day belongs where `local_time` is computed.
 *
 * A task is due at its `due_time`; a scheduled reminder fires at its `next_attempt_at`, which is its
 * `remind_at` until a failed delivery moves it to the retry time (that is when it will remind, and
 * it is what the scan's partial index on scheduled reminders serves). A failed or missed reminder
 * stands at its `remind_at`, the time it was meant for.
 */
export async function getAgenda(store: Store, request: AgendaRequest): Promise<Agenda> {
  const { tz, now = new Date() } = request;
  const { from, to } = agendaWindow(request, now);
  const assigned = assignedTo(request.assignee);
  const pending = and(eq(tasks.status, "pending"), assigned);
  const [taskRows, reminderRows] = await Promise.all([
    unionAll(
      store.db
        .select()
        .from(tasks)
        .where(and(pending, lt(tasks.due_time, from)))
        .orderBy(desc(tasks.due_time))
        .limit(OVERDUE_LIMIT + 1),
      store.db
        .select()
        .from(tasks)
        .where(and(pending, gte(tasks.due_time, from), lt(tasks.due_time, to)))
        .orderBy(asc(tasks.due_time), asc(tasks.id))
        .limit(WINDOW_LIMIT + 1),
    ),
    request.reminders ? windowReminders(store, from, to, assigned) : [],
  ]);

  const timed = (at: Date) => ({ at, local_time: localTimestamp(at, tz) });
  const overdueRows = taskRows.filter((t) => t.due_time! < from);
  const dueRows = taskRows.filter((t) => t.due_time! >= from);
  const reminderRowsByTime = [...reminderRows].sort(
    (a, b) => agendaTime(a.reminder).getTime() - agendaTime(b.reminder).getTime(),
  );
  const overdue = overdueRows
    .slice(0, OVERDUE_LIMIT)
    .reverse()
    .map((task): TaskEntry => ({ kind: "task", ...timed(task.due_time!), task }));
  const entries: AgendaEntry[] = [
    ...dueRows.slice(0, WINDOW_LIMIT).map((task): TaskEntry => ({ kind: "task", ...timed(task.due_time!), task })),
    ...reminderRowsByTime.slice(0, WINDOW_LIMIT).map(
      ({ reminder, task }): ReminderEntry => ({
        kind: "reminder",
        ...timed(agendaTime(reminder)),
        reminder,
        task,
      }),
    ),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? 0 : a.kind === "task" ? -1 : 1));

  const days = new Map<string, AgendaEntry[]>();
  for (const entry of entries) {
    const date = entry.local_time.slice(0, 10);
    const day = days.get(date);
    if (day) day.push(entry);
    else days.set(date, [entry]);
  }
  return {
    tz,
    from,
    to,
    overdue,
    days: [...days].map(([date, dayEntries]) => ({ date, entries: dayEntries })),
    includes_reminders: request.reminders,
    truncated:
      overdueRows.length > OVERDUE_LIMIT || dueRows.length > WINDOW_LIMIT || reminderRows.length > WINDOW_LIMIT,
  };
}
