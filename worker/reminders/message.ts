import type { TaskRow } from "../db/schema";

/** Telegram's limit on `text`, and WhatsApp's on a text message's `body`. */
export const TEXT_LIMIT = 4096;

/** Longer descriptions stay in the dashboard; a chat reminder should read at a glance. */
const SHORT_DESCRIPTION = 500;

type TaskSummary = Pick<TaskRow, "title" | "description" | "due_time">;

/** "2026-03-01 10:00 UTC": the product stores no user time zone, so the reminder says which one it uses. */
export function formatDueTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The reminder as a person reads it: the task's title, its due time, and its description when short.
 * Plain text on purpose: no parse mode means nothing in a title needs escaping.
 */
export function reminderText(task: TaskSummary, limit = TEXT_LIMIT): string {
  const lines = [`⏰ Reminder: ${task.title}`];
  if (task.due_time) lines.push(`Due ${formatDueTime(task.due_time)}`);
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
