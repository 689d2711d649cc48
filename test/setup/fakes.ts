import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
}

/** A reply queued for the next call to one recipient. Unset `body` means the provider's usual answer. */
export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without answering (a network failure). */
  drop?: boolean;
}

type Kind = keyof typeof FAKE_TOKENS;

interface Route {
  /** The recipient a call addresses, or an error reply when the call is malformed or unauthorised. */
  recipient(path: string, headers: IncomingMessage["headers"], body: any): string | ScriptedReply;
  ok(body: any): ScriptedReply;
}

const bearer = (headers: IncomingMessage["headers"], kind: Kind) =>
  headers.authorization === `Bearer ${FAKE_TOKENS[kind]}`;

const ROUTES: Record<Kind, Route> = {
  telegram: {
    recipient(path, _headers, body) {
      const match = /^\/bot([^/]+)\/sendMessage$/.exec(path);
      if (!match) return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
      if (match[1] !== FAKE_TOKENS.telegram) {
        return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
      }
      if (body?.chat_id == null || typeof body.text !== "string" || body.text.length > 4096) {
        return {
          status: 400,
          body: { ok: false, error_code: 400, description: "Bad Request: message text is invalid" },
        };
      }
      return String(body.chat_id);
    },
    ok: (body) => ({
      status: 200,
      body: {
        ok: true,
        result: { message_id: Math.floor(Math.random() * 1e9), chat: { id: body.chat_id }, text: body.text },
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
  openclaw: {
    recipient(path, headers, body) {
      if (path !== "/hooks/agent") return { status: 404, body: { ok: false, error: "not found" } };
      if (!bearer(headers, "openclaw")) return { status: 401, body: { ok: false, error: "unauthorized" } };
      if (typeof body?.message !== "string") return { status: 400, body: { ok: false, error: "message required" } };
      return body.to ?? body.sessionKey;
    },
    ok: () => ({ status: 202, body: { ok: true, runId: crypto.randomUUID() } }),
  },
};

async function readJson(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
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
 * One fake provider. Besides the provider's own route it answers, for tests:
 * - `POST /__control/script` `{ to, replies: ScriptedReply[] }`: the next calls to `to` get these replies, in order;
 * - `GET /__control/received?to=…` or `?prefix=…`: the calls it received for those recipients, oldest first.
 * Recipients keep parallel tests apart: each test addresses its own.
 */
async function startFake(kind: Kind, latencyMs: number) {
  const route = ROUTES[kind];
  const received = new Map<string, Received[]>();
  const scripts = new Map<string, ScriptedReply[]>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = req.method === "POST" ? await readJson(req) : undefined;
    if (url.pathname === "/__control/script" && req.method === "POST") {
      scripts.set(body.to, [...(scripts.get(body.to) ?? []), ...body.replies]);
      return send(res, { status: 204 });
    }
    if (url.pathname === "/__control/received" && req.method === "GET") {
      const to = url.searchParams.get("to");
      const prefix = url.searchParams.get("prefix");
      const matches = [...received.entries()]
        .filter(([key]) => (to !== null ? key === to : prefix !== null && key.startsWith(prefix)))
        .flatMap(([, calls]) => calls)
        .sort((a, b) => a.at.localeCompare(b.at));
      return send(res, { status: 200, body: { received: matches } });
    }
    if (req.method !== "POST") return send(res, { status: 405, body: { error: "method not allowed" } });

    const recipient = route.recipient(url.pathname, req.headers, body);
    if (typeof recipient !== "string") return send(res, recipient);
    const call = {
      to: recipient,
      path: url.pathname,
      authorization: req.headers.authorization,
      body,
      at: new Date().toISOString(),
    };
    received.set(recipient, [...(received.get(recipient) ?? []), call]);
    const scripted = scripts.get(recipient)?.shift();
    const delayMs = scripted?.delayMs ?? latencyMs;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (scripted?.drop) return req.socket.destroy();
    // A scripted success without a body gets the provider's usual one.
    send(
      res,
      !scripted ? route.ok(body) : scripted.body === undefined ? { ...scripted, body: route.ok(body).body } : scripted,
    );
  });
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

export interface FakeProviders {
  /** Base URLs as the Worker's settings take them (TELEGRAM_API_BASE, WHATSAPP_API_BASE, OPENCLAW_HOOKS_URL). */
  urls: { telegram: string; whatsapp: string; openclaw: string };
  /** Control URLs (the fakes' roots), for `/__control/…`. */
  control: { telegram: string; whatsapp: string; openclaw: string };
  stop(): Promise<void>;
}

/**
 * Fake Telegram Bot API, WhatsApp Cloud API and OpenClaw gateway on loopback ports. `latencyMs` delays
 * every answer, as a real provider's round trip would (the benchmark uses it).
 */
export async function startFakeProviders(options: { latencyMs?: number } = {}): Promise<FakeProviders> {
  const latency = options.latencyMs ?? 0;
  const [telegram, whatsapp, openclaw] = await Promise.all([
    startFake("telegram", latency),
    startFake("whatsapp", latency),
    startFake("openclaw", latency),
  ]);
  return {
    urls: { telegram: telegram.url, whatsapp: `${whatsapp.url}/${GRAPH_VERSION}`, openclaw: openclaw.url },
    control: { telegram: telegram.url, whatsapp: whatsapp.url, openclaw: openclaw.url },
    async stop() {
      await Promise.all([telegram.stop(), whatsapp.stop(), openclaw.stop()]);
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
