import { ICalAlarmRelatesTo, ICalAlarmType, ICalCalendar } from "ical-generator";
import { tzlib_get_ical_block } from "timezones-ical-library";
import type { FeedTask } from "../../services/calendar-feeds";
import { toLocal } from "../../time/zone";

/**
 * A series' COUNT counts from its first occurrence, but the task's due (the feed's DTSTART) is its
 * current one: what is left of the count is what the calendar should expand.
 */
function remainingRule(rrule: string, occurrence: number | null) {
  const count = /(?:^|;)COUNT=(\d+)/i.exec(rrule);
  if (!count || !occurrence || occurrence <= 1) return rrule;
  return rrule.replace(/COUNT=\d+/i, `COUNT=${Math.max(1, Number(count[1]) - occurrence + 1)}`);
}

/**
 * Seconds from the event's start to the reminder: a relative one from the task's reminder anchor
 * (the due, or ALL_DAY_REMINDER_HOUR on an all-day task's date), so it follows every occurrence;
 * an absolute one from this due, shown only on a task that does not recur (it fires once, and an
 * alarm would repeat with the series). Undefined: no alarm.
 */
function alarmOffset(task: FeedTask["task"], reminder: FeedTask["reminders"][number], allDayReminderHour: number) {
  if (reminder.offset_minutes !== null) {
    return reminder.offset_minutes * 60 + (task.due_date !== null ? allDayReminderHour * 3600 : 0);
  }
  if (task.rrule || !task.due_time) return undefined;
  return Math.round((reminder.next_attempt_at.getTime() - task.due_time.getTime()) / 1000);
}

/**
 * The feed as iCalendar (RFC 5545), by ical-generator. Tasks are VEVENTs, not VTODOs: Google
 * Calendar and Apple Calendar show only events from a subscribed calendar (Thunderbird shows both).
 * - A timed task starts at its due on its own zone's wall clock (`TZID`, with the zone's VTIMEZONE
 *   from timezones-ical-library), so a recurring one keeps its local time across DST changes;
 *   an all-day task is a `DATE` on its due date.
 * - `RRULE` is the task's own, from its current occurrence on.
 * - `UID` is the task's id, stable across edits, and `SEQUENCE` its version, so clients update in place.
 * - Each reminder still to fire is a VALARM: a relative one before or after every occurrence, an
 *   absolute one at its instant.
 */
export function renderCalendar(name: string, items: FeedTask[], allDayReminderHour: number): string {
  const calendar = new ICalCalendar({ name, prodId: { company: "openclaw-sync", product: "tasks", language: "EN" } });
  // Calendar apps poll; this asks them to come back hourly rather than daily.
  calendar.ttl(3600);
  calendar.timezone({ name: null, generator: (zone) => tzlib_get_ical_block(zone)[0] ?? null });
  for (const { task, reminders } of items) {
    const allDay = task.due_date !== null;
    const event = calendar.createEvent({
      id: `${task.id}@openclaw-sync`,
      sequence: task.version,
      // DTSTAMP from the task, not the clock: an unchanged feed renders byte for byte the same, so its ETag holds.
      stamp: task.updated_at,
      lastModified: task.updated_at,
      summary: task.title,
      description: task.description ?? undefined,
      allDay,
      // ical-generator writes a zoned time from the Date's own fields, so the Date carries the wall
      // time (workerd runs in UTC); an all-day date is its date at UTC midnight.
      start: allDay
        ? new Date(`${task.due_date}T00:00:00Z`)
        : new Date(toLocal(task.due_time!.getTime(), task.timezone)),
      ...(allDay ? {} : { timezone: task.timezone }),
      ...(task.rrule ? { repeating: `RRULE:${remainingRule(task.rrule, task.occurrence)}` } : {}),
    });
    for (const reminder of reminders) {
      const after = alarmOffset(task, reminder, allDayReminderHour);
      if (after === undefined) continue;
      // ical-generator's trigger counts seconds before; RELATED=START pins it to the start (its
      // default for a later alarm is the end, a day later for an all-day task).
      event
        .createAlarm({ type: ICalAlarmType.display, trigger: -after, description: task.title })
        .relatesTo(ICalAlarmRelatesTo.start);
    }
  }
  return calendar.toString();
}
