import { ACTION_LABELS, type ChatAction, signAction } from "../../integrations/buttons";
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
 * Done, 10 min, 1 hour and Tomorrow, as an inline keyboard (core.telegram.org/bots/api#inlinekeyboardmarkup):
 * Done on its own row, the snoozes under it. Each button's `callback_data` is signed for this
 * reminder and this chat (integrations/buttons.ts).
 */
async function keyboard(secret: string, reminderId: string, chatId: string) {
  const button = async (action: ChatAction) => ({
    text: action === "done" ? `${ACTION_LABELS.done} ✓` : ACTION_LABELS[action],
    callback_data: await signAction(secret, action, reminderId, chatId),
  });
  return {
    inline_keyboard: [
      [await button("done")],
      await Promise.all((["snooze10", "snooze60", "tomorrow"] as const).map(button)),
    ],
  };
}

/**
 * Telegram Bot API `sendMessage`, plain text, with the action buttons when the bot's webhook is
 * configured (TELEGRAM_WEBHOOK_SECRET: without it no tap could reach us), to the reminder's chat or the configured default chat.
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
        {
          chat_id: chatId,
          text: reminderText(reminder.task, reminder.late),
          ...(config.webhookSecret && { reply_markup: await keyboard(config.webhookSecret, reminder.id, chatId) }),
        },
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
