import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { problem, problemResponse } from "../../http/problem";
import { once } from "../../integrations/once";
import { sameSecret } from "../../integrations/same-secret";
import { callBot } from "../../integrations/telegram/bot-api";
import { handleUpdate, type Update } from "../../integrations/telegram/update";
import { settingsOf } from "../../settings";

/**
 * Telegram's webhook (core.telegram.org/bots/api#setwebhook): each update is a POST carrying the
 * `secret_token` we registered in `X-Telegram-Bot-Api-Secret-Token`. A non-2xx answer makes
 * Telegram send the update again, so the work is done, and the update id recorded, before the 200;
 * the replies (a toast, an edit, a message) go out after it, in `waitUntil`.
 */
export const telegramWebhook = new Hono<HonoEnv>().post("/", async (c) => {
  const config = settingsOf(c.env).scan.telegram;
  const secret = config?.webhookSecret;
  if (!config || !secret) {
    return problemResponse(
      c,
      problem(404, "not-found", "The Telegram webhook is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET."),
    );
  }
  if (!(await sameSecret(c.req.header("x-telegram-bot-api-secret-token"), secret))) {
    return problemResponse(c, problem(401, "unauthenticated", "X-Telegram-Bot-Api-Secret-Token does not match."));
  }
  const update = (await c.req.json().catch(() => undefined)) as Update | undefined;
  if (!update || typeof update !== "object" || !Number.isSafeInteger(update.update_id)) {
    return problemResponse(c, problem(400, "bad-request", "The body is not a Telegram Update with an update_id."));
  }
  const result = await once(c.var.store, "telegram", String(update.update_id), () =>
    handleUpdate(c.var.store, { ...config, webhookSecret: secret }, update),
  );
  if (result.kind === "in-progress") {
    return problemResponse(c, problem(503, "unavailable", "This update is being handled; Telegram will retry."), {
      "retry-after": "5",
    });
  }
  if (result.kind === "done" && result.value.length > 0) c.executionCtx.waitUntil(callBot(config, result.value));
  return c.json({ ok: true }, 200);
});
