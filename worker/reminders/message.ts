import type { TaskRow } from "../db/schema";

/** Telegram's limit on `text`, and WhatsApp's on a text message's `body`. */
export const TEXT_LIMIT = 4096;

/** Longer descriptions stay in the dashboard; a chat reminder should read at a glance. */
const SHORT_DESCRIPTION = 500;

type TaskSummary = Pick<TaskRow, "title" | "description" | "due_time"> &
  Partial<Pick<TaskRow, "timezone" | "due_date">>;

/** A reminder sent late: the instant it was for, and how late it is (left out where the text must not change between retries). */
export interface Lateness {
  remindAt: Date;
  seconds?: number;
}

/** "2026-03-01 10:00 Europe/Berlin": an instant on the wall clock of `timeZone`, named. */
export function formatLocal(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/**
 * The due time in the task's own zone, named, so the reader never has to guess; an all-day task
 * shows its date only.
 */
export function formatDueTime(task: Pick<TaskSummary, "due_time" | "timezone" | "due_date">): string {
  const timeZone = task.timezone ?? "UTC";
  if (task.due_date) return `${task.due_date} (all day, ${timeZone})`;
  if (!task.due_time) return "no due time";
  return formatLocal(task.due_time, timeZone);
}

/** "45 min", "2 h 5 min", "3 d 4 h": a lateness as a person reads it, to the minute. */
export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

/** "Late by 10 min: it was set for 2026-03-01 09:50 Europe/Berlin", in the task's zone. */
export function latenessLine(late: Lateness, timeZone = "UTC"): string {
  const by = late.seconds === undefined ? "Late" : `Late by ${formatDuration(late.seconds)}`;
  return `${by}: it was set for ${formatLocal(late.remindAt, timeZone)}`;
}

/**
 * The reminder as a person reads it: the task's title, that it is late (when it is) and for when it
 * was set, the task's due time, and its description when short. Plain text on purpose: no parse mode
 * means nothing in a title needs escaping.
 */
export function reminderText(task: TaskSummary, late?: Lateness, limit = TEXT_LIMIT): string {
  const lines = [`⏰ Reminder: ${task.title}`];
  if (late) lines.push(latenessLine(late, task.timezone));
  if (task.due_time) lines.push(`Due ${formatDueTime(task)}`);
  const description = task.description?.trim();
  if (description && description.length <= SHORT_DESCRIPTION) lines.push("", description);
  return truncate(lines.join("\n"), limit);
}

/** Cuts to `limit` UTF-16 units (what Telegram counts) without splitting a surrogate pair. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}
