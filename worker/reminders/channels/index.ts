import type { ReminderRow } from "../../db/schema";
import type { ScanConfig } from "../../settings/scan";
import { type Channel, notConfigured } from "./channel";
import { openclawChannel } from "./openclaw";
import { telegramChannel } from "./telegram";
import { type ReminderRoom, uiChannel } from "./ui";
import { type WindowLookup, whatsappChannel } from "./whatsapp";

export type Channels = Record<ReminderRow["channel"], Channel>;

/**
 * The adapter for each reminder channel under this configuration. With the OpenClaw gateway
 * configured, chat reminders go through the user's agent instead of straight to the provider.
 */
export function createChannels(
  config: ScanConfig,
  room?: () => Promise<ReminderRoom>,
  webhook: Channel = notConfigured("this scan has no webhook subscriptions to deliver to"),
  /** Whether a WhatsApp user's 24-hour window is open; without it WhatsApp reminders never carry buttons. */
  whatsappWindow?: WindowLookup,
): Channels {
  const { telegram, whatsapp, openclaw, defaultRecipients: to, providerTimeoutMs } = config;
  return {
    telegram: openclaw
      ? openclawChannel(openclaw, "telegram", to.telegram, providerTimeoutMs)
      : telegram
        ? telegramChannel(telegram, to.telegram)
        : notConfigured("set TELEGRAM_BOT_TOKEN, or OPENCLAW_HOOKS_URL and OPENCLAW_HOOKS_TOKEN"),
    whatsapp: openclaw
      ? openclawChannel(openclaw, "whatsapp", to.whatsapp, providerTimeoutMs)
      : whatsapp
        ? whatsappChannel(whatsapp, to.whatsapp, whatsappWindow)
        : notConfigured(
            "set WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID, or OPENCLAW_HOOKS_URL and OPENCLAW_HOOKS_TOKEN",
          ),
    ui: room ? uiChannel(room) : notConfigured("this Worker has no realtime room (Durable Object binding MAIN)"),
    webhook,
  };
}
