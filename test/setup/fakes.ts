import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type GatewayCall, type GatewayConfig, openclawGateway, type ScriptedRun } from "./openclaw-gateway.ts";
import { stringHeaders, verdicts } from "./webhook-receiver.ts";

/** The credentials the fakes accept; anything else gets the provider's 401. */
export const FAKE_TOKENS = {
  telegram: "123456:fake-telegram-token",
  whatsapp: "fake-whatsapp-token",
  openclaw: "fake-openclaw-hooks-token",
} as const;

/** The phone-number id the WhatsApp fake serves, and the Graph API version in its base URL. */
export const FAKE_WHATSAPP_PHONE_NUMBER_ID = "1098765432";
const GRAPH_VERSION = "v21.0";

/** What a fake received: one provider call, as the provider would have seen it. */
export interface Received {
  to: string;
  path: string;
  authorization?: string;
  body: any;
  at: string;
  /** The gateway only: the run this call started or replayed, and its replay key. */
  gateway?: GatewayCall;
  /** The webhook receiver only: the request's headers, raw body, and whether each verifier accepts it. */
  webhook?: { headers: Record<string, string>; raw: string; verified: { standard: boolean; openclaw: boolean } };
}

/**
 * A reply queued for the next call to one recipient. Unset `body` means the provider's usual answer.
 * The gateway takes a `ScriptedRun` instead (openclaw-gateway.ts): a refused admission, or how the
 * admitted run ends.
 */
export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without answering (a network failure). */
  drop?: boolean;
}

type Kind = Exclude<keyof typeof FAKE_TOKENS, "openclaw">;

interface Route {
  /** The recipient a call addresses, or an error reply when the call is malformed or unauthorised. */
  recipient(path: string, headers: IncomingMessage["headers"], body: any): string | ScriptedReply;
  ok(body: any): ScriptedReply;
}

const bearer = (headers: IncomingMessage["headers"], kind: Kind) =>
  headers.authorization === `Bearer ${FAKE_TOKENS[kind]}`;

/**
 * An interactive reply-buttons message as the Cloud API accepts it: body text of 1–1024 characters,
 * 1–3 reply buttons with unique ids of at most 256 characters and unique titles of 1–20
 * (developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages).
 */
function validReplyButtons(interactive: any): boolean {
  const buttons = interactive?.action?.buttons;
  const text = interactive?.body?.text;
  if (interactive?.type !== "button" || typeof text !== "string" || text.length < 1 || text.length > 1024) return false;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return false;
  const ok = buttons.every(
    (b: any) =>
      b?.type === "reply" &&
      typeof b.reply?.id === "string" &&
      b.reply.id.length >= 1 &&
      b.reply.id.length <= 256 &&
      typeof b.reply.title === "string" &&
      [...b.reply.title].length >= 1 &&
      [...b.reply.title].length <= 20,
  );
  const unique = (key: "id" | "title") => new Set(buttons.map((b: any) => b.reply[key])).size === buttons.length;
  return ok && unique("id") && unique("title");
}

const ROUTES: Record<Kind, Route> = {
  telegram: {
    // The methods the Worker calls, with the checks the Bot API documents for each
    // (core.telegram.org/bots/api#sendmessage, #answercallbackquery, #editmessagetext, #setwebhook).
    // Calls are filed under their chat; answerCallbackQuery under `callback:<id>`; setWebhook under `setWebhook`.
    recipient(path, _headers, body) {
      const match = /^\/bot([^/]+)\/(sendMessage|answerCallbackQuery|editMessageText|setWebhook)$/.exec(path);
      if (!match) return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
      if (match[1] !== FAKE_TOKENS.telegram) {
        return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
      }
      const bad = (description: string) => ({
        status: 400,
        body: { ok: false, error_code: 400, description: `Bad Request: ${description}` },
      });
      const method = match[2];
      if (method === "answerCallbackQuery") {
        if (typeof body?.callback_query_id !== "string")
          return bad("query is too old and response timeout expired or query ID is invalid");
        if (body.text !== undefined && [...String(body.text)].length > 200) return bad("MESSAGE_TOO_LONG");
        return `callback:${body.callback_query_id}`;
      }
      if (method === "setWebhook") {
        if (typeof body?.url !== "string" || !body.url.startsWith("https://"))
          return bad("bad webhook: An HTTPS URL must be provided for webhook");
        if (body.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(body.secret_token))
          return bad("secret token contains unallowed characters");
        return "setWebhook";
      }
      if (body?.chat_id == null || typeof body.text !== "string" || body.text.length === 0 || body.text.length > 4096) {
        return bad("message text is invalid");
      }
      if (method === "editMessageText" && typeof body.message_id !== "number")
        return bad("message identifier is not specified");
      const keyboard = body.reply_markup?.inline_keyboard;
      if (body.reply_markup !== undefined && !Array.isArray(keyboard))
        return bad("can't parse reply keyboard markup JSON object");
      for (const button of (keyboard ?? []).flat()) {
        // callback_data: 1-64 bytes.
        const size = new TextEncoder().encode(String(button?.callback_data ?? "")).length;
        if (typeof button?.text !== "string" || size < 1 || size > 64) return bad("BUTTON_DATA_INVALID");
      }
      return String(body.chat_id);
    },
    ok: (body) => ({
      status: 200,
      body: {
        ok: true,
        // sendMessage and editMessageText return the Message as it now is in the chat
        // (core.telegram.org/bots/api#message); answerCallbackQuery and setWebhook return True.
        result:
          body?.callback_query_id !== undefined || body?.url !== undefined
            ? true
            : {
                message_id: body.message_id ?? Math.floor(Math.random() * 1e9),
                date: Math.floor(Date.now() / 1000),
                chat: { id: body.chat_id, type: String(body.chat_id).startsWith("-") ? "supergroup" : "private" },
                text: body.text,
              },
      },
    }),
  },
  whatsapp: {
    recipient(path, headers, body) {
      if (path !== `/${GRAPH_VERSION}/${FAKE_WHATSAPP_PHONE_NUMBER_ID}/messages`) {
        return { status: 400, body: { error: { message: "Unsupported post request", code: 100 } } };
      }
      if (!bearer(headers, "whatsapp")) {
        return {
          status: 401,
          body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } },
        };
      }
      if (body?.messaging_product !== "whatsapp" || typeof body.to !== "string") {
        return { status: 400, body: { error: { message: "Invalid parameter", code: 100 } } };
      }
      if (body.type === "interactive" && !validReplyButtons(body.interactive)) {
        return { status: 400, body: { error: { message: "(#131009) Parameter value is not valid", code: 131009 } } };
      }
      return body.to;
    },
    ok: (body) => ({
      status: 200,
      body: {
        messaging_product: "whatsapp",
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.${Math.random().toString(36).slice(2)}` }],
      },
    }),
  },
};

async function readRaw(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer) {
  const text = raw.toString("utf8");
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** Objects go out as JSON; a string body goes out as it is (a proxy's HTML error page, say). */
function send(res: ServerResponse, reply: ScriptedReply) {
  const raw = typeof reply.body === "string";
  res.writeHead(reply.status, { "content-type": raw ? "text/html" : "application/json", ...reply.headers });
  res.end(reply.body === undefined ? "" : raw ? reply.body : JSON.stringify(reply.body));
}

/**
 * What every fake answers for tests, besides the provider's own routes:
 * - `POST /__control/script` `{ to, replies }`: the next calls to `to` get these replies, in order (a
 *   script for a `to` that a recipient contains serves that recipient too: the gateway's recipient
 *   without a destination is its message);
 * - `GET /__control/received?to=…`, `?prefix=…` or `?contains=…`: the calls it received for those
 *   recipients, oldest first.
 * Recipients keep parallel tests apart: each test addresses its own.
 */
function controls<Script>() {
  const received = new Map<string, Received[]>();
  const scripts = new Map<string, Script[]>();
  return {
    record(call: Received) {
      received.set(call.to, [...(received.get(call.to) ?? []), call]);
    },
    take(recipient: string): Script | undefined {
      const key = scripts.has(recipient) ? recipient : [...scripts.keys()].find((k) => recipient.includes(k));
      return key === undefined ? undefined : scripts.get(key)?.shift();
    },
    /** Answers a control request, or returns false for a provider call. */
    handle(url: URL, method: string, body: any, res: ServerResponse): boolean {
      if (url.pathname === "/__control/script" && method === "POST") {
        scripts.set(body.to, [...(scripts.get(body.to) ?? []), ...body.replies]);
        send(res, { status: 204 });
        return true;
      }
      if (url.pathname === "/__control/received" && method === "GET") {
        const [to, prefix, contains] = [
          url.searchParams.get("to"),
          url.searchParams.get("prefix"),
          url.searchParams.get("contains"),
        ];
        const matches = [...received.entries()]
          .filter(([key]) =>
            to !== null
              ? key === to
              : prefix !== null
                ? key.startsWith(prefix)
                : contains !== null && key.includes(contains),
          )
          .flatMap(([, calls]) => calls)
          .sort((a, b) => a.at.localeCompare(b.at));
        send(res, { status: 200, body: { received: matches } });
        return true;
      }
      return false;
    },
  };
}

async function listen(server: ReturnType<typeof createServer>) {
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One fake provider with a single send route (Telegram, WhatsApp). */
async function startFake(kind: Kind, latencyMs: number) {
  const route = ROUTES[kind];
  const control = controls<ScriptedReply>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = req.method === "POST" ? parseJson(await readRaw(req)) : undefined;
    if (control.handle(url, req.method ?? "GET", body, res)) return;
    if (req.method !== "POST") return send(res, { status: 405, body: { error: "method not allowed" } });

    const recipient = route.recipient(url.pathname, req.headers, body);
    if (typeof recipient !== "string") return send(res, recipient);
    control.record({
      to: recipient,
      path: url.pathname,
      authorization: req.headers.authorization,
      body,
      at: new Date().toISOString(),
    });
    const scripted = control.take(recipient);
    const delayMs = scripted?.delayMs ?? latencyMs;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (scripted?.drop) return req.socket.destroy();
    // A scripted success without a body gets the provider's usual one.
    send(
      res,
      !scripted ? route.ok(body) : scripted.body === undefined ? { ...scripted, body: route.ok(body).body } : scripted,
    );
  });
  return listen(server);
}

/**
 * A fake OpenClaw gateway (openclaw-gateway.ts) with `config`. Besides the controls above it takes
 * `POST /__control/expire` `{ key }`: forget that replay key's run, as the gateway does 5 minutes
 * after the run completed (or on a restart), so a test need not wait them out.
 */
async function startGateway(config: GatewayConfig, latencyMs: number) {
  const gateway = openclawGateway(config);
  const control = controls<ScriptedRun>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readRaw(req);
    const method = req.method ?? "GET";
    if (control.handle(url, method, method === "POST" ? parseJson(raw) : undefined, res)) return;
    if (url.pathname === "/__control/expire" && method === "POST") {
      gateway.expire(parseJson(raw).key);
      return send(res, { status: 204 });
    }
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const request = { method, path: url.pathname, query: url.searchParams, headers: req.headers, raw };
    const { reply, call, recipient, body } = await gateway.answer(request, req.socket.remoteAddress ?? "", (to) =>
      control.take(to),
    );
    if (recipient !== undefined) {
      control.record({
        to: recipient,
        path: url.pathname,
        authorization: req.headers.authorization,
        body,
        at: new Date().toISOString(),
        ...(call ? { gateway: call } : {}),
      });
    }
    send(res, reply);
  });
  return listen(server);
}

/**
 * A webhook receiver (webhook-receiver.ts): `POST /r/<name>` is receiver `<name>`, answering 200
 * unless scripted. Besides the controls above it takes `POST /__control/secret` `{ to, secret }`: the
 * secret receiver `to` verifies with, as its operator would configure it.
 */
async function startWebhookReceiver(latencyMs: number) {
  const control = controls<ScriptedReply>();
  const secrets = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readRaw(req);
    const method = req.method ?? "GET";
    const body = method === "POST" ? parseJson(raw) : undefined;
    if (control.handle(url, method, body, res)) return;
    if (url.pathname === "/__control/secret" && method === "POST") {
      secrets.set(body.to, body.secret);
      return send(res, { status: 204 });
    }
    const match = /^\/r\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1] || method !== "POST") return send(res, { status: 404, body: { error: "no such receiver" } });
    const to = match[1];
    control.record({
      to,
      path: url.pathname,
      body,
      at: new Date().toISOString(),
      webhook: {
        headers: stringHeaders(req.headers),
        raw: raw.toString("utf8"),
        verified: verdicts(secrets.get(to), req.headers, raw),
      },
    });
    const scripted = control.take(to);
    const delayMs = scripted?.delayMs ?? latencyMs;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (scripted?.drop) return req.socket.destroy();
    send(res, scripted ?? { status: 200, body: { ok: true } });
  });
  return listen(server);
}

/** The gateway as its docs' defaults have it: `hooks.allowRequestSessionKey: false`, no prefix list. */
export const GATEWAY_DEFAULTS: GatewayConfig = {
  token: FAKE_TOKENS.openclaw,
  path: "/hooks",
  allowRequestSessionKey: false,
  allowedSessionKeyPrefixes: [],
  agents: ["main", "reminders"],
};

/**
 * A gateway whose operator opted in to request session keys under one prefix, as the README tells
 * them to: `hook:` stays in the list, or the gateway refuses the configuration (no defaultSessionKey).
 */
export const GATEWAY_WITH_SESSION_KEYS: GatewayConfig = {
  ...GATEWAY_DEFAULTS,
  allowRequestSessionKey: true,
  allowedSessionKeyPrefixes: ["hook:", "openclaw-sync:"],
};

type Fakes = { telegram: string; whatsapp: string; openclaw: string; openclawSessionKeys: string; webhooks: string };

export interface FakeProviders {
  /**
   * Base URLs as the Worker's settings take them (TELEGRAM_API_BASE, WHATSAPP_API_BASE,
   * OPENCLAW_HOOKS_URL: a default gateway, and one that allows request session keys).
   */
  urls: Fakes;
  /** Control URLs (the fakes' roots), for `/__control/…`. */
  control: Fakes;
  stop(): Promise<void>;
}

/**
 * Fake Telegram Bot API, WhatsApp Cloud API and two OpenClaw gateways on loopback ports. `latencyMs`
 * delays every answer, as a real provider's round trip would (the benchmark uses it).
 */
export async function startFakeProviders(options: { latencyMs?: number } = {}): Promise<FakeProviders> {
  const latency = options.latencyMs ?? 0;
  const fakes = await Promise.all([
    startFake("telegram", latency),
    startFake("whatsapp", latency),
    startGateway(GATEWAY_DEFAULTS, latency),
    startGateway(GATEWAY_WITH_SESSION_KEYS, latency),
    startWebhookReceiver(latency),
  ]);
  const [telegram, whatsapp, openclaw, openclawSessionKeys, webhooks] = fakes.map((f) => f.url) as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    urls: { telegram, whatsapp: `${whatsapp}/${GRAPH_VERSION}`, openclaw, openclawSessionKeys, webhooks },
    control: { telegram, whatsapp, openclaw, openclawSessionKeys, webhooks },
    async stop() {
      await Promise.all(fakes.map((f) => f.stop()));
    },
  };
}

/** Worker settings that send Telegram and WhatsApp deliveries to the fakes (and none to a gateway). */
export function providerVars(fakes: Pick<FakeProviders, "urls">): Record<string, string> {
  return {
    TELEGRAM_API_BASE: fakes.urls.telegram,
    TELEGRAM_BOT_TOKEN: FAKE_TOKENS.telegram,
    WHATSAPP_API_BASE: fakes.urls.whatsapp,
    WHATSAPP_TOKEN: FAKE_TOKENS.whatsapp,
    WHATSAPP_PHONE_NUMBER_ID: FAKE_WHATSAPP_PHONE_NUMBER_ID,
    OPENCLAW_HOOKS_URL: "",
  };
}
