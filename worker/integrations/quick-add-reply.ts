import { TITLE_MAX } from "../db/schema";
import { InvalidInputError } from "../services/errors";
import { quickAdd } from "../services/quick-add";
import type { Store } from "../services/store";

/** "1 hour before", "at the due", "2 days after". */
function offsetText(minutes: number) {
  if (minutes === 0) return "at the due";
  const m = Math.abs(minutes);
  const [n, unit] = m % 1440 === 0 ? [m / 1440, "day"] : m % 60 === 0 ? [m / 60, "hour"] : [m, "minute"];
  return `${n} ${unit}${n === 1 ? "" : "s"} ${minutes < 0 ? "before" : "after"}`;
}

/**
 * `/add <text>` from a chat: the same quick add as `POST /tasks/quick`, read in the chat's zone,
 * with a reminder (if the text asks for one) back to this chat. The answer says what was understood,
 * so the person can tell at a glance whether it read them right; text it cannot use gets the reason.
 */
export async function quickAddReply(
  store: Store,
  input: { text: string; timezone: string; channel: "telegram" | "whatsapp"; recipient: string },
): Promise<string> {
  // What REST's schema would refuse (NUL, an over-long line) is cleaned here: a chat has no 422.
  const text = input.text.replaceAll("\0", "").trim().slice(0, TITLE_MAX);
  if (!text) return "What should I add? For example: /add call the dentist tomorrow at 9";
  try {
    const { task, reminder, understood } = await quickAdd(store, {
      text,
      timezone: input.timezone,
      channel: input.channel,
      recipient: input.recipient,
      source: input.channel,
      allowReminder: true,
    });
    const due = understood.due_local
      ? ` — due ${understood.due_local.replace("T", " ").slice(0, 16)}${understood.all_day ? " (all day)" : ""} ${understood.timezone}`
      : "";
    const reminds = reminder ? `; I'll remind you here ${offsetText(reminder.offset_minutes ?? 0)}` : "";
    return `Added: ${task.title}${due}${reminds}.`;
  } catch (error) {
    if (error instanceof InvalidInputError) return `Not added: ${error.errors[0]?.message ?? error.message}`;
    throw error;
  }
}
