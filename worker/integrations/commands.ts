import { getAgenda } from "../services/agenda";
import type { Store } from "../services/store";
import { agendaText } from "./agenda-text";
import { quickAddReply } from "./quick-add-reply";

export interface CommandChat {
  channel: "telegram" | "whatsapp";
  /** The chat id or WhatsApp id the command came from, where a reminder it asks for goes. */
  recipient: string;
  /** The zone `today` counts days in and `add` reads times in. */
  timezone: string;
}

const HELP =
  "Commands: /today lists what is overdue and due today; /add <task> adds one, e.g. /add call the dentist tomorrow at 9.";

/**
 * `/today` and `/add <text>` (also `today` and `add <text>` on WhatsApp, which has no command
 * menu), the same in both chats; the answer is one text message. Any other command gets the help.
 */
export async function runCommand(store: Store, chat: CommandChat, name: string, rest: string, now: Date) {
  if (name === "today") {
    const agenda = await getAgenda(store, { tz: chat.timezone, reminders: false, now });
    return agendaText(agenda, now);
  }
  if (name === "add") return quickAddReply(store, { ...chat, text: rest });
  return HELP;
}
