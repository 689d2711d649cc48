import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { IdParam } from "../../http/fields";
import { empty, json, jsonBody, problems } from "../../http/openapi";
import { scoped } from "../../middleware/auth";
import { withholdOnReplay } from "../../middleware/idempotency";
import { settingsOf } from "../../settings";
import { pingWebhook, redeliver } from "../../webhooks/manual";
import * as service from "../../webhooks/subscriptions";
import {
  CreatedWebhook,
  CreateWebhook,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  UpdateWebhook,
  Webhook,
  WebhookDelivery,
  WebhookList,
} from "./schemas";
import { toDelivery, toWebhook } from "./view";

const SHOWN_ONCE =
  "The secret is shown once, in the first response, and stored only sealed. If it was lost, rotate it (POST /webhooks/{id}/rotate-secret).";

const tags = ["webhooks"];

export const webhookRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      operationId: "createWebhook",
      summary: "Subscribe a URL to events (the secret is shown once)",
      description:
        "Events are signed with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and `x-openclaw-sync-signature: sha256=<hex HMAC of the body>` for OpenClaw's Webhooks plugin. A new subscription receives what happens from now on.",
      ...scoped("webhooks:write"),
      request: jsonBody(CreateWebhook),
      responses: {
        201: json(
          CreatedWebhook,
          "The subscription, with its secret (withheld from an idempotent replay).",
          "Location",
        ),
        ...problems(400, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      const created = await service.createWebhook(c.var.store, settingsOf(c.env).webhooks, c.req.valid("json"));
      withholdOnReplay(c, { secret: SHOWN_ONCE });
      return c.json({ ...toWebhook(created), secret: created.secret }, 201, { location: `/webhooks/${created.id}` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      operationId: "listWebhooks",
      summary: "List webhook subscriptions (never their secrets)",
      description: "Every subscription, disabled ones included, newest first.",
      ...scoped("webhooks:read"),
      responses: { 200: json(WebhookList, "Every subscription, newest first."), ...problems() },
    }),
    async (c) => c.json({ items: (await service.listWebhooks(c.var.store)).map(toWebhook) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      operationId: "getWebhook",
      summary: "Get a webhook subscription",
      description: "Its state: enabled, the cursor, consecutive failures, and why the engine disabled it, if it did.",
      ...scoped("webhooks:read"),
      request: { params: IdParam },
      responses: { 200: json(Webhook, "The subscription."), ...problems(404) },
    }),
    async (c) => c.json(toWebhook(await service.getWebhook(c.var.store, c.req.valid("param"))), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      operationId: "updateWebhook",
      summary: "Change a webhook subscription",
      description: "Only the fields given change. `enabled: true` re-enables one the engine disabled.",
      ...scoped("webhooks:write"),
      request: { params: IdParam, ...jsonBody(UpdateWebhook) },
      responses: { 200: json(Webhook, "The subscription as it is now."), ...problems(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const row = await service.updateWebhook(
        c.var.store,
        settingsOf(c.env).webhooks,
        c.req.valid("param"),
        c.req.valid("json"),
      );
      return c.json(toWebhook(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      operationId: "deleteWebhook",
      summary: "Delete a webhook subscription",
      description: "No event is sent to it afterwards; its delivery log goes with it.",
      ...scoped("webhooks:write"),
      request: { params: IdParam },
      responses: { 204: empty("Deleted."), ...problems(404) },
    }),
    async (c) => {
      await service.deleteWebhook(c.var.store, c.req.valid("param"));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/rotate-secret",
      tags,
      operationId: "rotateWebhookSecret",
      summary: "Replace the signing secret (the new one is shown once)",
      description: "Effective at once: the next attempt is signed with the new secret only.",
      ...scoped("webhooks:write"),
      request: { params: IdParam },
      responses: {
        200: json(CreatedWebhook, "The subscription with its new secret (withheld from an idempotent replay)."),
        ...problems(404, 503),
      },
    }),
    async (c) => {
      const rotated = await service.rotateWebhookSecret(c.var.store, settingsOf(c.env).webhooks, c.req.valid("param"));
      withholdOnReplay(c, { secret: SHOWN_ONCE });
      return c.json({ ...toWebhook(rotated), secret: rotated.secret }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/ping",
      tags,
      operationId: "pingWebhook",
      summary: "Send a signed `webhook.ping` now",
      description:
        "Whatever its events, enabled or not; answers with the logged attempt, so a receiver's setup can be checked at once. It never moves the cursor.",
      ...scoped("webhooks:write"),
      request: { params: IdParam },
      responses: { 200: json(WebhookDelivery, "The attempt, as logged."), ...problems(404, 503) },
    }),
    async (c) => {
      const delivery = await pingWebhook(c.var.store, settingsOf(c.env).webhooks, c.req.valid("param"));
      return c.json(toDelivery(delivery), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/deliveries",
      tags,
      operationId: "listWebhookDeliveries",
      summary: "The delivery log, newest first",
      description: `Every attempt: the event, the outcome, the receiver's status, time taken and the first KiB of its answer. Kept for WEBHOOK_LOG_DAYS (default 7).`,
      ...scoped("webhooks:read"),
      request: { params: IdParam, query: DeliveryListQuery },
      responses: { 200: json(DeliveryPage, "One page of attempts."), ...problems(404, 422) },
    }),
    async (c) => {
      const { items, next_cursor } = await service.listDeliveries(c.var.store, {
        ...c.req.valid("param"),
        ...c.req.valid("query"),
      });
      return c.json({ items: items.map(toDelivery), next_cursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/deliveries/{delivery_id}/retry",
      tags,
      operationId: "redeliverWebhook",
      summary: "Send a logged event again, now",
      description:
        "The same event (same `webhook-id` and body), freshly signed, to the subscription's current URL; the attempt is logged. Receivers deduplicate on the id.",
      ...scoped("webhooks:write"),
      request: { params: DeliveryParams },
      responses: { 200: json(WebhookDelivery, "The new attempt, as logged."), ...problems(404, 503) },
    }),
    async (c) => {
      const { id, delivery_id } = c.req.valid("param");
      const delivery = await redeliver(c.var.store, settingsOf(c.env).webhooks, { id, deliveryId: delivery_id });
      return c.json(toDelivery(delivery), 200);
    },
  );
