import type { TaskRow } from "../db/schema";
import { CandidateBudget, RuleCostError } from "../time/budget";
import { canonicalRule, parseRule, setsTimeOfDay } from "../time/rrule";
import { followingOccurrence, type SeriesPosition, SeriesTooFarError } from "../time/series";
import { dateToLocal, formatLocal, fromLocal, localDate, parseLocal, toLocal } from "../time/zone";
import { InvalidInputError } from "./errors";

const HOUR = 3_600_000;

/** Configuration the time model reads (wrangler vars). */
export interface TimeSettings {
  /** Local hour (0–23) at which relative reminders of an all-day task count from. */
  allDayReminderHour: number;
}

/** The task columns that the time model derives together; they are always written as a set. */
export type Schedule = Pick<
  TaskRow,
  "due_time" | "due_date" | "timezone" | "rrule" | "occurrence" | "occurrence_local" | "reminder_anchor"
>;

/** What a create or a patch asks of the schedule; an absent key keeps the stored value. */
export interface ScheduleInput {
  due_time?: Date | null;
  due_date?: string | null;
  timezone?: string;
  rrule?: string | null;
}

const RULE_ADVICE =
  "its parts meet too rarely or never (an INTERVAL that never lands on its BYHOUR, a BYSETPOS past every period's set); choose parts whose occurrences are closer together";
const COMPLETION_ADVICE =
  "move the due nearer the series' current occurrence, or set a new rrule to restart the series at the due";

const invalid = (path: string, message: string) =>
  new InvalidInputError(`Invalid body field '${path}': ${message}`, [{ path, location: "body", message }]);

/**
 * The series' next occurrence; a rule too costly to evaluate is the caller's mistake (422 naming
 * `rrule`), reported as a completion or as the write that set the rule.
 */
function following(position: SeriesPosition, budget: CandidateBudget, advice: string) {
  try {
    return followingOccurrence(position, budget);
  } catch (err) {
    if (err instanceof RuleCostError) throw invalid("rrule", `${err.message}; ${advice}`);
    if (err instanceof SeriesTooFarError) throw invalid("status", err.message);
    throw err;
  }
}

/**
 * The schedule columns after applying `input` to `current` (undefined when creating). An all-day
 * task's due_time is local midnight of its due_date, so filters and sorting on due_time treat both
 * kinds alike; its reminders count from the configured local hour on that date. A new series is
 * refused (422 naming `rrule`) when finding its second occurrence costs more than `budget`.
 */
export function planSchedule(
  current: Schedule | undefined,
  input: ScheduleInput,
  settings: TimeSettings,
  budget = new CandidateBudget(),
): Schedule {
  const timezone = input.timezone ?? current?.timezone ?? "UTC";
  let due_date: string | null;
  let due_time: Date | null;
  if (input.due_date !== undefined || input.due_time !== undefined) {
    due_date = input.due_date ?? null;
    due_time = input.due_time ?? null;
  } else {
    due_date = current?.due_date ?? null;
    due_time = current?.due_time ?? null;
  }
  let reminder_anchor = due_time;
  if (due_date !== null) {
    const midnight = dateToLocal(due_date);
    due_time = new Date(fromLocal(midnight, timezone));
    reminder_anchor = new Date(fromLocal(midnight + settings.allDayReminderHour * HOUR, timezone));
  }

  const rrule = input.rrule === undefined ? (current?.rrule ?? null) : input.rrule && canonicalRule(input.rrule);
  if (rrule === null) {
    return { due_time, due_date, timezone, rrule, occurrence: null, occurrence_local: null, reminder_anchor };
  }
  const field = input.rrule ? "rrule" : input.due_date !== undefined ? "due_date" : "due_time";
  if (due_time === null) {
    throw invalid(field, "a recurring task needs a due (due_time or due_date): it is the series' first occurrence");
  }
  if (due_date !== null && setsTimeOfDay(parseRule(rrule))) {
    throw invalid(field, "an all-day task's rule cannot set a time of day (FREQ=HOURLY, BYHOUR, BYMINUTE, BYSECOND)");
  }
  const dueLocal = due_date !== null ? dateToLocal(due_date) : toLocal(due_time.getTime(), timezone);
  const newSeries = !current?.rrule || current.rrule !== rrule || current.occurrence_local === null;
  const kindChanged = current !== undefined && (current.due_date === null) !== (due_date === null);
  // A new rule starts its series at the due; switching between timed and all-day re-anchors the
  // series' wall-clock time there but keeps its count; moving the due alone moves this occurrence only.
  if (newSeries || !current) {
    const due = due_date !== null ? { date: due_date } : { instant: due_time.getTime() };
    following({ rule: rrule, timezone, occurrenceLocal: dueLocal, occurrence: 1, due }, budget, RULE_ADVICE);
    return {
      due_time,
      due_date,
      timezone,
      rrule,
      occurrence: 1,
      occurrence_local: formatLocal(dueLocal),
      reminder_anchor,
    };
  }
  const occurrence = current.occurrence;
  const occurrence_local = kindChanged ? formatLocal(dueLocal) : current.occurrence_local;
  return { due_time, due_date, timezone, rrule, occurrence, occurrence_local, reminder_anchor };
}

/**
 * Completing a recurring task: the schedule of its next occurrence, or null when COUNT or UNTIL has
 * ended the series (then the completion really completes it). Throws InvalidInputError naming
 * `status` when the due was postponed past too many occurrences, and naming `rrule` when finding the
 * next one costs more than `budget`.
 */
export function planNextOccurrence(
  schedule: Schedule,
  settings: TimeSettings,
  budget = new CandidateBudget(),
): Schedule | null {
  if (!schedule.rrule || !schedule.occurrence_local || !schedule.due_time) return null;
  const position: SeriesPosition = {
    rule: schedule.rrule,
    timezone: schedule.timezone,
    occurrenceLocal: parseLocal(schedule.occurrence_local),
    occurrence: schedule.occurrence ?? 1,
    due: schedule.due_date !== null ? { date: schedule.due_date } : { instant: schedule.due_time.getTime() },
  };
  const next = following(position, budget, COMPLETION_ADVICE);
  if (!next) return null;
  const moved =
    schedule.due_date !== null
      ? planSchedule(schedule, { due_date: localDate(next.occurrenceLocal) }, settings)
      : planSchedule(schedule, { due_time: new Date(fromLocal(next.occurrenceLocal, schedule.timezone)) }, settings);
  return { ...moved, occurrence: next.occurrence, occurrence_local: formatLocal(next.occurrenceLocal) };
}
