import { DELIVERY_INTERNAL, WEBHOOK_INTERNAL, webhookDeliveries, webhookSubscriptions } from "../../db/schema";
import { createSelectSchema, cursor, limit, page, text, timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";
import { WEBHOOK_EVENTS } from "../../webhooks/events";

const EVENTS_TEXT = `${WEBHOOK_EVENTS.map((e) => `\`${e}\``).join(", ")}, or \`*\` for all of them`;

const events = z
  .array(z.enum(["*", ...WEBHOOK_EVENTS]))
  .min(1)
  .max(32)
  .openapi({
    description: `The event types it receives: ${EVENTS_TEXT}.`,
    example: ["task.completed", "reminder.due"],
  });

const url = z.string().max(2048).openapi({
  description:
    "Where events are POSTed: `https`, with no credentials and no private or reserved IP address (`http://localhost` only when the Worker runs with WEBHOOKS_ALLOW_HTTP=true). Redirects are never followed.",
  example: "https://gateway.example.com/plugins/webhooks/openclaw-sync",
});

export const Webhook = createSelectSchema(webhookSubscriptions, {
  events: z.array(z.string()),
  next_attempt_at: timestampOutput().openapi({ description: "When the engine tries this subscription next." }),
  created_at: timestampOutput(),
  updated_at: timestampOutput(),
  cursor_seq: z.number().int().openapi({ description: "The last change-log seq delivered or passed over." }),
  failures: z.number().int().openapi({ description: "Consecutive failed attempts of the event at the cursor." }),
  disabled_reason: z
    .string()
    .nullable()
    .openapi({ description: "Why the engine disabled it (a 410, or too many failures); null otherwise." }),
})
  .omit(WEBHOOK_INTERNAL)
  .openapi("Webhook");

const secretDoc = {
  description:
    "The signing secret (`whsec_…`, Standard Webhooks). Shown only in this response; store it now. Null in an idempotent replay, which never carries it.",
};

export const CreatedWebhook = Webhook.extend({
  secret: z.string().nullable().openapi(secretDoc),
  redacted: z
    .record(z.string(), z.string())
    .optional()
    .openapi({ description: "Only in an idempotent replay: each withheld field, with why." }),
}).openapi("CreatedWebhook");

export const CreateWebhook = z
  .strictObject({
    url,
    events,
    description: text(0, 500).nullable().optional(),
    enabled: z.boolean().default(true),
  })
  .openapi("CreateWebhook");

export const UpdateWebhook = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    description: text(0, 500).nullable().optional().openapi({ description: "null clears it." }),
    enabled: z.boolean().optional().openapi({
      description: "`true` re-enables a disabled subscription: it resumes at its cursor, failures reset.",
    }),
  })
  .openapi("UpdateWebhook");

export const WebhookList = z.object({ items: z.array(Webhook) }).openapi("WebhookList");

export const WebhookDelivery = createSelectSchema(webhookDeliveries, {
  created_at: timestampOutput(),
  seq: z.number().int().nullable().openapi({ description: "The change seq; null for a ping or a `reminder.due`." }),
  response_status: z.number().int().nullable(),
  duration_ms: z.number().int(),
})
  .omit(DELIVERY_INTERNAL)
  .openapi("WebhookDelivery");

export const DeliveryPage = page(WebhookDelivery).openapi("WebhookDeliveryPage");

export const DeliveryListQuery = z.object({ limit: limit(), cursor: cursor() });

export const DeliveryParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path", description: "The webhook's id." } }),
  delivery_id: z.uuid().openapi({ param: { name: "delivery_id", in: "path", description: "The delivery's id." } }),
});
