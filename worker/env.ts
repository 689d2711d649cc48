import type { Principal } from "./services/api-keys";
import type { ReplayPolicy } from "./services/idempotency";
import type { Store } from "./services/store";

/** Secrets: `.env` locally, `wrangler secret put` in production. */
interface Secrets {
  /** Bootstrap admin bearer; without it only API keys authenticate. */
  ADMIN_TOKEN?: string;
  /** Signs the short-lived room tokens of POST /realtime/token; without it the room admits no one. */
  REALTIME_SECRET?: string;
  /** BotFather's token; without it Telegram reminders wait as "channel not configured". */
  TELEGRAM_BOT_TOKEN?: string;
  /** Telegram's `secret_token` for our webhook, which also signs the reminder buttons; without it no buttons. */
  TELEGRAM_WEBHOOK_SECRET?: string;
  /** WhatsApp Cloud API access token. */
  WHATSAPP_TOKEN?: string;
  /** The Meta app's secret: checks `X-Hub-Signature-256` on its webhooks and signs the reply buttons. */
  WHATSAPP_APP_SECRET?: string;
  /** The token Meta's webhook handshake (`hub.verify_token`) must present. */
  WHATSAPP_VERIFY_TOKEN?: string;
  /** The OpenClaw gateway's `hooks.token`. */
  OPENCLAW_HOOKS_TOKEN?: string;
  /** Seals webhook subscriptions' signing secrets at rest; without it ADMIN_TOKEN does, and without both no webhooks. */
  WEBHOOK_SECRETS_KEY?: string;
}

/** Bindings from `wrangler types` (worker-configuration.d.ts) plus the secrets. */
export type Env = Cloudflare.Env & Secrets;

export interface HonoEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal;
    store: Store;
    /** Set by a route whose response must not be replayed whole (middleware/idempotency.ts). */
    replay: ReplayPolicy | undefined;
  };
}
