import type { Agenda } from "../services/agenda";
import { dateInZone } from "../services/local-days";

/** Telegram's `text` and WhatsApp's text `body` both stop at 4096 characters. */
const LIMIT = 4096;

const hhmm = (local: string) => local.slice(11, 16);

/**
 * An agenda as a chat message: overdue first (each with the day it was due), then today's tasks by
 * time; an all-day task shows "all day". Cut short, with a count of what is left, to fit one message.
 */
export function agendaText(agenda: Agenda, now = new Date()): string {
  const lines: string[] = [];
  const dueOf = (task: Agenda["overdue"][number]["task"]) => (task.due_date ? "all day" : undefined);
  if (agenda.overdue.length > 0) {
    lines.push("Overdue:");
    for (const entry of agenda.overdue) {
      lines.push(
        `• ${entry.task.title} (due ${entry.local_time.slice(0, 10)} ${dueOf(entry.task) ?? hhmm(entry.local_time)})`,
      );
    }
  }
  const today = dateInZone(now, agenda.tz);
  const entries = agenda.days.flatMap((day) => day.entries).filter((entry) => entry.kind === "task");
  if (lines.length > 0) lines.push("");
  lines.push(`Today, ${today} (${agenda.tz}):`);
  if (entries.length === 0) lines.push("Nothing due.");
  for (const entry of entries) lines.push(`• ${dueOf(entry.task) ?? hhmm(entry.local_time)} ${entry.task.title}`);
  if (agenda.truncated) lines.push("…and more: see the dashboard.");

  const text = lines.join("\n").trim();
  if (text.length <= LIMIT) return text;
  const cut = text.slice(0, LIMIT - 40);
  const kept = cut.slice(0, cut.lastIndexOf("\n"));
  const left = lines.length - kept.split("\n").length;
  return `${kept}\n…and ${left} more: see the dashboard.`;
}
