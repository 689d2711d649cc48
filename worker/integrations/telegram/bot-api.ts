import { log } from "../../http/log";
import type { TelegramConfig } from "../../settings/scan";

/** One Bot API method call (core.telegram.org/bots/api#making-requests): its name and JSON parameters. */
export interface BotCall {
  method: "sendMessage" | "answerCallbackQuery" | "editMessageText";
  body: Record<string, unknown>;
}

/**
 * Makes the calls in order, after the update was answered (they run in `waitUntil`): a toast or an
 * edit that fails leaves the action applied, so each failure is logged and the rest still go. The
 * URL carries the bot token, so it is never logged.
 */
export async function callBot(config: Pick<TelegramConfig, "apiBase" | "token">, calls: BotCall[], timeoutMs = 10_000) {
  for (const call of calls) {
    try {
      const res = await fetch(`${config.apiBase}/bot${config.token}/${call.method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = (await res.json().catch(() => undefined)) as { ok?: boolean; description?: string } | undefined;
      if (answer?.ok !== true) {
        log(undefined, "warn", "telegram call refused", {
          method: call.method,
          status: res.status,
          description: String(answer?.description ?? "").slice(0, 200),
        });
      }
    } catch (error) {
      log(undefined, "warn", "telegram call failed", { method: call.method, error: String(error).slice(0, 200) });
    }
  }
}
