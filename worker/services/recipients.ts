import { E164, type ReminderRow, TELEGRAM_CHAT } from "../db/schema";

type Channel = ReminderRow["channel"];

const RULES: Record<Channel, { pattern: RegExp; message: string } | undefined> = {
  telegram: {
    pattern: TELEGRAM_CHAT,
    message: "must be a Telegram chat id (an integer, negative for groups) or @channelusername",
  },
  whatsapp: {
    pattern: E164,
    message: "must be a phone number in E.164 form: '+' and 8 to 15 digits, such as +14155550123",
  },
  // The dashboard room has no addressee: every connected dashboard sees the reminder.
  ui: undefined,
  // One webhook subscription's id, or none: every subscription listening to reminder.due.
  webhook: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    message: "must be a webhook subscription id (a UUID), or null for every subscription to reminder.due",
  },
};

/** Why `recipient` cannot address `channel`, or undefined when it can (null means the channel's default). */
export function recipientProblem(channel: Channel, recipient: string | null | undefined): string | undefined {
  const rule = RULES[channel];
  if (recipient == null || !rule || rule.pattern.test(recipient)) return undefined;
  return rule.message;
}
