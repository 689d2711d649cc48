import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { telegramWebhook } from "./telegram";
import { whatsappWebhook } from "./whatsapp";

/** Where chat providers post: each route checks the provider's own proof instead of an API key. */
export const integrationRoutes = new Hono<HonoEnv>()
  .route("/telegram/webhook", telegramWebhook)
  .route("/whatsapp/webhook", whatsappWebhook);
