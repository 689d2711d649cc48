import { Webhook } from "standardwebhooks";

/** The header with the body-only signature, for receivers that check the body alone. */
export const BODY_SIGNATURE_HEADER = "x-openclaw-sync-signature";

/**
 * The headers that sign one request, two ways:
 * - Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
 *   `webhook-signature: v1,<base64 HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}")>`,
 *   made by the maintained `standardwebhooks` package;
 * - `X-OpenClaw-Sync-Signature: sha256=<hex>`, an HMAC-SHA256 of the raw body alone keyed with the
 *   secret string as written (`whsec_…` included). That is what the OpenClaw Webhooks plugin's
 *   `hmac-sha256` mode computes (openclaw/openclaw extensions/webhooks/src/auth.ts, `hmacMatches`:
 *   `createHmac("sha256", secret).update(rawBody).digest("hex")`, compared case-insensitively after
 *   stripping the route's `auth.prefix`), so a route with `prefix: "sha256="` verifies it as-is.
 */
export async function signatureHeaders(secret: string, id: string, at: Date, body: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
    [BODY_SIGNATURE_HEADER]: `sha256=${hex}`,
  };
}
