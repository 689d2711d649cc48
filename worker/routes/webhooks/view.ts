import type { z } from "@hono/zod-openapi";
import type { DeliveryView, WebhookView } from "../../webhooks/subscriptions";
import type { Webhook, WebhookDelivery } from "./schemas";

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A subscription as the API shows it (REST and the MCP tools): timestamps as ISO strings. */
export const toWebhook = (row: WebhookView) =>
  ({
    ...row,
    cursor_seq: Number(row.cursor_seq),
    next_attempt_at: iso(row.next_attempt_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }) as z.infer<typeof Webhook>;

export const toDelivery = (row: DeliveryView) =>
  ({
    ...row,
    seq: row.seq === null ? null : Number(row.seq),
    created_at: iso(row.created_at),
  }) as z.infer<typeof WebhookDelivery>;
