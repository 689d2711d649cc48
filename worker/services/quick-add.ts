import { sql } from "drizzle-orm";
import { DATE_MAX, DATE_MIN, INSTANT_RANGE_TEXT, inInstantRange } from "../db/instant-range";
import { rowFromDriver } from "../db/rows";
import { OFFSET_MINUTES_MAX, type ReminderRow, reminders, type TaskRow, tasks } from "../db/schema";
import { normalizeTimeZone } from "../time/zone";
import { ForbiddenError, InvalidInputError } from "./errors";
import { parseQuickText, type QuickParse } from "./quick-parse";
import type { ReminderView } from "./reminders";
import { type Store, txid } from "./store";
import { planSchedule } from "./task-schedule";

export interface QuickAddInput {
  /** One line as a person would say it: "call the dentist tomorrow at 9, remind me 1 hour before". */
  text: string;
  /** IANA zone the text's times are read in, and the task's zone; UTC when absent. */
  timezone?: string;
  /** Where the reminder goes, if the text asks for one (default `ui`); `recipient` as for a reminder. */
  channel?: ReminderRow["channel"];
  recipient?: string | null;
  source?: TaskRow["source"];
}

export interface QuickAddOptions {
  /** Whether the caller may create reminders (`reminders:write`); asked without it, nothing is created. */
  allowReminder: boolean;
  /** The moment "tomorrow" and "in 20 minutes" count from; now when absent. */
  now?: Date;
  /** Overrides the configured local hour an all-day task's reminders count from. */
  allDayReminderHour?: number;
}

/** What the text was read as, for the caller to confirm. */
export interface Understood {
  due_text: string | null;
  /** The due's wall time in `timezone` (ISO 8601 without an offset), or its date when all-day. */
  due_local: string | null;
  timezone: string;
  reminder_text?: string;
  all_day: boolean;
}

export interface QuickAdded {
  task: TaskRow;
  reminder: ReminderView | null;
  understood: Understood;
}

const invalidText = (message: string) =>
  new InvalidInputError(`Invalid body field 'text': ${message}`, [{ path: "text", location: "body", message }]);

/** The schedule columns of the due read from the text; 422 naming `text` when it lies outside the range. */
function scheduleOf(due: QuickParse["due"], timezone: string, allDayReminderHour: number) {
  if (
    due?.all_day === true &&
    !(/^\d{4}-\d{2}-\d{2}$/.test(due.date) && due.date >= DATE_MIN && due.date <= DATE_MAX)
  ) {
    throw invalidText(`'${due.text}' is a date outside ${DATE_MIN} to ${DATE_MAX}`);
  }
  if (due?.all_day === false && !inInstantRange(due.instant)) {
    throw invalidText(`'${due.text}' is a time outside ${INSTANT_RANGE_TEXT}`);
  }
  const input = !due ? {} : due.all_day ? { due_date: due.date } : { due_time: new Date(due.instant) };
  return planSchedule(undefined, { ...input, timezone }, { allDayReminderHour });
}

/**
 * Creates a task from one line of text (REST `POST /tasks/quick`, the MCP tool and the chat `/add`
 * commands): its due and an optional reminder are read by chrono, the task and the reminder are
 * written by one statement, so both exist or neither does.
 * @throws ForbiddenError when the text asks for a reminder and `allowReminder` is false (checked
 * before anything is written); InvalidInputError naming `text` when it asks for a reminder but
 * names no time, or names a time outside the product's range.
 */
export async function quickAdd(store: Store, input: QuickAddInput & QuickAddOptions): Promise<QuickAdded> {
  // REST and MCP send a checked zone; a chat command may pass whatever its user set.
  const timezone = normalizeTimeZone(input.timezone ?? "UTC");
  if (!timezone) {
    throw new InvalidInputError(`Invalid body field 'timezone': not an IANA time zone name this server knows.`, [
      { path: "timezone", location: "body", message: "not an IANA time zone name this server knows" },
    ]);
  }
  const { title, due, reminder } = await parseQuickText(input.text, { now: input.now ?? new Date(), timezone });
  if (reminder && !input.allowReminder) {
    throw new ForbiddenError(
      `This API key lacks the scope 'reminders:write', which the reminder the text asks for ('${reminder.text}') needs; nothing was created.`,
    );
  }
  if (reminder && !due) {
    throw invalidText(
      `it asks for a reminder ('${reminder.text}') but names no date or time to remind at; say when, e.g. 'remind me to stretch in 20 minutes' or 'call the dentist tomorrow at 9, remind me 1 hour before'`,
    );
  }
  if (reminder && (reminder.offset_minutes === null || reminder.offset_minutes < -OFFSET_MINUTES_MAX)) {
    throw invalidText(
      `'${reminder.text}' does not say how long before, within a year; say it as e.g. 'remind me 30 minutes before' or 'remind me 2 days before'`,
    );
  }
  const schedule = scheduleOf(due, timezone, input.allDayReminderHour ?? store.time.allDayReminderHour);
  const offset = reminder?.offset_minutes ?? null;
  const at = sql`task.reminder_anchor + make_interval(mins => ${offset}::int)`;
  // Both inserts in one statement: one round trip, one transaction, and the change log records the
  // task and its reminder together (the triggers run at its end, when the task exists).
  const { rows } = await store.db.execute<Record<string, unknown>>(sql`
    with task as (
      insert into ${tasks} (title, source, due_time, due_date, timezone, reminder_anchor)
      values (
        ${title}, ${input.source ?? "system"}::task_source, ${schedule.due_time?.toISOString() ?? null}::timestamptz,
        ${schedule.due_date}::date, ${schedule.timezone}, ${schedule.reminder_anchor?.toISOString() ?? null}::timestamptz
      )
      returning *
    ),
    reminder as (
      insert into ${reminders} (task_id, remind_at, next_attempt_at, offset_minutes, channel, recipient)
      select id, ${at}, ${at}, ${offset}::int, ${input.channel ?? "ui"}::reminder_channel, ${input.recipient ?? null}
      from task where ${reminder !== null}
      returning *
    )
    select task.*, (select to_jsonb(reminder) from reminder) as reminder, ${txid} as txid from task`);
  const row = rows[0]!;
  store.onCommitted(row.txid as string);
  const task = rowFromDriver(tasks, row);
  const added = row.reminder
    ? { ...rowFromDriver(reminders, row.reminder as Record<string, unknown>), timezone }
    : null;
  return {
    task,
    reminder: added,
    understood: {
      due_text: due?.text ?? null,
      due_local: due?.local ?? null,
      timezone: schedule.timezone,
      ...(reminder ? { reminder_text: reminder.text } : {}),
      all_day: due?.all_day ?? false,
    },
  };
}
