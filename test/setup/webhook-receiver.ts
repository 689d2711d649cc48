import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Webhook } from "standardwebhooks";

/**
 * A webhook receiver as two kinds of real receivers check a request, so a test sees what they would:
 * - a Standard Webhooks consumer (standardwebhooks.com; n8n, Zapier code steps, Svix libraries) runs
 *   the `standardwebhooks` package's `Webhook.verify` over the raw body and the three `webhook-*`
 *   headers, which also refuses a timestamp more than 5 minutes off;
 * - OpenClaw's Webhooks plugin in `hmac-sha256` mode (openclaw/openclaw docs/plugins/webhooks.md;
 *   extensions/webhooks/src/auth.ts `hmacMatches`) strips the route's `auth.prefix` from the
 *   configured header and compares it with the hex HMAC-SHA256 of the raw body keyed with the
 *   secret string as configured.
 * Each request is recorded with both verdicts; tests assert on them.
 */

export interface WebhookReceipt {
  to: string;
  headers: Record<string, string>;
  body: any;
  raw: string;
  at: string;
  verified: { standard: boolean; openclaw: boolean };
}

/** The OpenClaw plugin route's auth, as its docs configure it: `auth.header` and `auth.prefix`. */
export const OPENCLAW_ROUTE_AUTH = { header: "x-openclaw-sync-signature", prefix: "sha256=" };

const pick = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([, v]) => typeof v === "string")
      .map(([k, v]) => [k, v as string]),
  );

function openclawVerdict(secret: string, header: string | undefined, raw: Buffer): boolean {
  if (!header?.toLowerCase().startsWith(OPENCLAW_ROUTE_AUTH.prefix)) return false;
  const given = Buffer.from(header.slice(OPENCLAW_ROUTE_AUTH.prefix.length).toLowerCase());
  const expected = Buffer.from(createHmac("sha256", secret).update(raw).digest("hex"));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function standardVerdict(secret: string, headers: IncomingHttpHeaders, raw: Buffer): boolean {
  try {
    new Webhook(secret).verify(raw.toString("utf8"), pick(headers));
    return true;
  } catch {
    return false;
  }
}

/** Both verdicts for one request to a receiver whose secret is `secret` (none known: both false). */
export function verdicts(secret: string | undefined, headers: IncomingHttpHeaders, raw: Buffer) {
  if (!secret) return { standard: false, openclaw: false };
  return {
    standard: standardVerdict(secret, headers, raw),
    openclaw: openclawVerdict(secret, headers[OPENCLAW_ROUTE_AUTH.header] as string | undefined, raw),
  };
}

export { pick as stringHeaders };
