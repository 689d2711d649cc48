import type { Store } from "../../services/store";
import type { TelegramConfig } from "../../settings/scan";
import { applyChatAction } from "../actions";
import { verifyAction } from "../buttons";
import { runCommand } from "../commands";
import type { BotCall } from "./bot-api";

/**
 * The parts of an Update (core.telegram.org/bots/api#update) this bot acts on; anything else,
 * including other update types and fields it does not know, is ignored.
 */
interface Message {
  message_id?: unknown;
  chat?: { id?: unknown };
  text?: unknown;
}
interface CallbackQuery {
  id?: unknown;
  data?: unknown;
  message?: Message;
}
export interface Update {
  update_id?: unknown;
  message?: Message;
  callback_query?: CallbackQuery;
}

const TEXT_LIMIT = 4096;
/** answerCallbackQuery shows 0–200 characters. */
const TOAST_LIMIT = 200;

const chatIdOf = (message: Message | undefined) => {
  const id = message?.chat?.id;
  return typeof id === "number" || (typeof id === "string" && id.length <= 64) ? String(id) : undefined;
};

/** A reply in the chat the message came from. */
const reply = (chatId: string, text: string): BotCall => ({
  method: "sendMessage",
  body: { chat_id: chatId, text: text.slice(0, TEXT_LIMIT) },
});

const REFUSAL = "Sorry, this bot only answers the chats its owner allowed (TELEGRAM_ALLOWED_CHAT_IDS).";

/** A tap on a reminder's button: apply it, answer the tap, and replace the buttons with what happened. */
async function onTap(store: Store, secret: string, query: CallbackQuery, now: Date) {
  if (typeof query.id !== "string" || query.id.length > 256) return [];
  const answer = (text: string): BotCall => ({
    method: "answerCallbackQuery",
    body: { callback_query_id: query.id, text: text.slice(0, TOAST_LIMIT) },
  });
  const chatId = chatIdOf(query.message);
  const messageId = query.message?.message_id;
  const tap = chatId && typeof messageId === "number" ? await verifyAction(secret, query.data, chatId) : undefined;
  // Not ours, tampered with, or moved from another chat: nothing is applied or edited.
  if (!tap || !chatId) return [answer("This button is not valid.")];

  const outcome = await applyChatAction(store, { ...tap, messageId: String(messageId), now });
  const original = typeof query.message?.text === "string" ? query.message.text : "";
  const text = `${original.slice(0, TEXT_LIMIT - outcome.line.length - 2)}\n\n${outcome.line}`.trim();
  return [
    answer(outcome.toast),
    // Without the buttons: a stale keyboard invites taps that can no longer apply.
    {
      method: "editMessageText",
      body: { chat_id: chatId, message_id: messageId, text, reply_markup: { inline_keyboard: [] } },
    } satisfies BotCall,
  ];
}

/** `/today`, `/add …`, `/today@our_bot`: the command's name and the rest of the text. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/;

async function onCommand(store: Store, config: TelegramConfig, message: Message, now: Date) {
  const chatId = chatIdOf(message);
  if (!chatId || typeof message.text !== "string") return [];
  const command = COMMAND.exec(message.text.trim());
  // Plain text is the chat's own business; the bot speaks when spoken to.
  if (!command) return [];
  if (!config.allowedChatIds.includes(chatId)) return [reply(chatId, REFUSAL)];
  const [, name = "", rest = ""] = command;
  const chat = { channel: "telegram" as const, recipient: chatId, timezone: config.defaultTz };
  return [reply(chatId, await runCommand(store, chat, name, rest, now))];
}

/**
 * What one update does, as the Bot API calls that answer it; the database work is done when this
 * returns, so the route can acknowledge the update before the calls go out.
 */
export async function handleUpdate(
  store: Store,
  config: TelegramConfig & { webhookSecret: string },
  update: Update,
  now = new Date(),
): Promise<BotCall[]> {
  if (update.callback_query && typeof update.callback_query === "object") {
    return onTap(store, config.webhookSecret, update.callback_query, now);
  }
  if (update.message && typeof update.message === "object") return onCommand(store, config, update.message, now);
  return [];
}
