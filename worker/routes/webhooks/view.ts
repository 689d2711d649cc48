import type { z } from "@hono/zod-openapi";
import { deliveryView, webhookView } from "../../services/views";
import type { DeliveryView, WebhookView } from "../../webhooks/subscriptions";
import type { Webhook, WebhookDelivery } from "./schemas";

/** A subscription as the API shows it (REST and the MCP tools). */
export const toWebhook = (row: WebhookView) => webhookView(row) as z.infer<typeof Webhook>;

/** One logged attempt as the API shows it. */
export const toDelivery = (row: DeliveryView) => deliveryView(row) as z.infer<typeof WebhookDelivery>;
