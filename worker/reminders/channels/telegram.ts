import type { TelegramConfig } from "../../settings/scan";
import { reminderText } from "../message";
import { type Channel, delivered, noRecipient, permanent } from "./channel";
import { classifyStatus, describeBody, isReply, postJson } from "./http";

interface TelegramError {
  ok: false;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/**
 * Telegram Bot API `sendMessage`, plain text, to the reminder's chat or the configured default chat.
 * Success returns the sent `Message` (core.telegram.org/bots/api#sendmessage): the message exists in
 * the chat, so the reminder is `delivered`, with Telegram's message_id kept.
 */
export function telegramChannel(config: TelegramConfig, defaultChatId?: string): Channel {
  return {
    async deliver(reminder, signal) {
      const chatId = reminder.recipient ?? defaultChatId;
      if (!chatId) return noRecipient("TELEGRAM_DEFAULT_CHAT_ID");
      const reply = await postJson(
        `${config.apiBase}/bot${config.token}/sendMessage`,
        { chat_id: chatId, text: reminderText(reminder.task, reminder.late) },
        {},
        signal,
      );
      if (!isReply(reply)) return reply;
      if (reply.status === 200 && reply.body?.ok === true && reply.body.result?.message_id !== undefined) {
        return delivered(reply.body.result.message_id);
      }

      const error = reply.body as TelegramError;
      const description = error?.description ?? describeBody(reply.body);
      const migratedTo = error?.parameters?.migrate_to_chat_id;
      if (migratedTo) {
        return permanent(`${description} (the group is now chat ${migratedTo}; update the reminder's recipient)`);
      }
      // Telegram puts the wait in the body, not in a Retry-After header.
      return classifyStatus(error?.error_code ?? reply.status, description, error?.parameters?.retry_after);
    },
  };
}
