import { parseArgs } from "node:util";
import { readScanConfig } from "../worker/settings/scan";
import { loadDotEnv } from "./lib/dev-config";

const usage = `usage: npm run telegram:webhook -- --url https://<host>/integrations/telegram/webhook
reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET (and TELEGRAM_API_BASE) from the environment or .env`;

const { values } = parseArgs({ options: { url: { type: "string" } } });
loadDotEnv();
const telegram = readScanConfig(process.env).telegram;
if (!values.url || !telegram?.webhookSecret) {
  if (!telegram?.webhookSecret) console.error("set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first");
  console.error(usage);
  process.exit(2);
}
if (!values.url.startsWith("https://") || !values.url.endsWith("/integrations/telegram/webhook")) {
  console.error(
    `--url must be https://…/integrations/telegram/webhook (Telegram delivers only over HTTPS); got ${values.url}`,
  );
  process.exit(2);
}

// setWebhook (core.telegram.org/bots/api#setwebhook): Telegram sends `secret_token` back in
// X-Telegram-Bot-Api-Secret-Token on every update; only the update types the Worker acts on.
const res = await fetch(`${telegram.apiBase}/bot${telegram.token}/setWebhook`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    url: values.url,
    secret_token: telegram.webhookSecret,
    allowed_updates: ["message", "callback_query"],
  }),
});
const answer = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
if (!answer.ok) {
  console.error(`setWebhook refused (HTTP ${res.status}): ${answer.description ?? "no description"}`);
  process.exit(1);
}
console.log(`Telegram now posts this bot's updates to ${values.url}`);
