import { CreatedWebhook, CreateWebhook, WebhookList } from "../../routes/webhooks/schemas";
import { toWebhook } from "../../routes/webhooks/view";
import { createWebhook, listWebhooks } from "../../webhooks/subscriptions";
import { defineTool } from "../tool";

const listWebhooksTool = defineTool({
  name: "list_webhooks",
  title: "List webhook subscriptions",
  description:
    "The URLs that receive signed events (task.completed, reminder.due, …), newest first, with whether each is enabled and why the service disabled it, if it did. Never shows secrets.",
  scope: "webhooks:read",
  input: CreateWebhook.pick({}),
  output: WebhookList,
  annotations: { readOnlyHint: true, idempotentHint: true },
  run: async ({ store }) => ({ items: (await listWebhooks(store)).map(toWebhook) }),
});

const createWebhookTool = defineTool({
  name: "create_webhook",
  title: "Subscribe a URL to events",
  description:
    "Sends every future event of the given types to url (https), signed with Standard Webhooks headers. The result holds the signing secret (whsec_…) once: give it to the user to configure the receiver; it cannot be read again. For OpenClaw's Webhooks plugin use events [\"reminder.due\"] and the route's URL.",
  scope: "webhooks:write",
  input: CreateWebhook,
  output: CreatedWebhook,
  arguments: {
    url: "The receiver's https URL.",
    events: 'Event types, or ["*"] for all.',
    description: "What it is for, for people reading the list.",
    enabled: "Default true.",
  },
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  withholdOnReplay: {
    secret:
      "The secret is shown once, in the first result, and stored only sealed; rotate it over REST if it was lost.",
  },
  run: async ({ store, webhooks }, args) => {
    const created = await createWebhook(store, webhooks, args);
    return { ...toWebhook(created), secret: created.secret };
  },
});

export const webhookTools = [listWebhooksTool, createWebhookTool];
