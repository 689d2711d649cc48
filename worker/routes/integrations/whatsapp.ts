import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { problem, problemResponse } from "../../http/problem";
import { sameSecret } from "../../integrations/same-secret";
import { sendTexts } from "../../integrations/whatsapp/graph-api";
import { handleNotification, type Notification } from "../../integrations/whatsapp/webhook";
import { settingsOf } from "../../settings";

const encoder = new TextEncoder();

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, checked in constant time. */
async function signedByMeta(secret: string, header: string | undefined, raw: ArrayBuffer) {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "")?.[1];
  if (!hex) return false;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const given = Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
  // subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", key, given, raw);
}

const off = () =>
  problem(
    404,
    "not-found",
    "The WhatsApp webhook is off: set WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_APP_SECRET (and WHATSAPP_VERIFY_TOKEN for the handshake).",
  );

/**
 * Meta's webhook for the Cloud API (developers.facebook.com/docs/graph-api/webhooks/getting-started):
 * a one-time GET handshake, then signed POSTs. Meta retries a delivery that is not answered with a
 * 200, so the work is done before the answer, and each inbound message acts once (its id); replies
 * go out after, in `waitUntil`.
 */
export const whatsappWebhook = new Hono<HonoEnv>()
  .get("/", async (c) => {
    const config = settingsOf(c.env).scan.whatsapp;
    if (!config?.verifyToken) return problemResponse(c, off());
    const mode = c.req.query("hub.mode");
    const challenge = c.req.query("hub.challenge") ?? "";
    if (mode !== "subscribe" || !(await sameSecret(c.req.query("hub.verify_token"), config.verifyToken))) {
      return problemResponse(c, problem(403, "forbidden", "hub.verify_token does not match WHATSAPP_VERIFY_TOKEN."));
    }
    // The challenge goes back as it came, as plain text; nothing else is echoed.
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(challenge)) {
      return problemResponse(c, problem(400, "bad-request", "hub.challenge is missing or malformed."));
    }
    return c.text(challenge, 200);
  })
  .post("/", async (c) => {
    const scan = settingsOf(c.env).scan;
    const config = scan.whatsapp;
    const secret = config?.appSecret;
    if (!config || !secret) return problemResponse(c, off());
    const raw = await c.req.arrayBuffer();
    if (!(await signedByMeta(secret, c.req.header("x-hub-signature-256"), raw))) {
      return problemResponse(c, problem(401, "unauthenticated", "X-Hub-Signature-256 does not match the body."));
    }
    let notification: Notification;
    try {
      notification = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return problemResponse(c, problem(400, "bad-request", "The body is not JSON."));
    }
    if (typeof notification !== "object" || notification === null) {
      return problemResponse(c, problem(400, "bad-request", "The body is not a webhook notification."));
    }
    const replies = await handleNotification(c.var.store, scan, { ...config, appSecret: secret }, notification);
    if (replies.length > 0) c.executionCtx.waitUntil(sendTexts(config, replies));
    return c.body(null, 200);
  });
