import type { IncomingHttpHeaders } from "node:http";

/*
 * A fake OpenClaw gateway's direct agent hook, built from openclaw/openclaw
 * `docs/gateway/config-hooks.md` ("Hooks", "Hook HTTP contract", "Hook agent payload", "Hook session
 * and agent policy", "Hook retries and fan-out"), not from this product's code:
 * - `POST {hooks.path}/agent` with `Authorization: Bearer <token>` or `x-openclaw-token`; a `token`
 *   query parameter is 400 even beside a valid header; missing or wrong credentials are 401, and 20
 *   failures in 60 s from one client are throttled with 429 and `Retry-After`; other methods 405.
 * - Bodies over 256 KiB are 413; invalid JSON or payload, routing or session policy is 400 with
 *   `{ ok: false, error }`.
 * - `sessionKey` only with `hooks.allowRequestSessionKey: true`, and within
 *   `allowedSessionKeyPrefixes` when set. A prefix list must also admit the generated `hook:` keys
 *   unless `hooks.defaultSessionKey` is set, or the gateway refuses its hooks configuration ("Hook
 *   session and agent policy"; the gateway's `resolveHooksConfig` throws at startup): so does the fake;
 *   `channel` and `to` together or not at all while delivery is on; `channel: "last"` refused;
 *   `agentId` must name a configured agent.
 * - Admission answers `200 { ok: true, runId }`; with `waitForCompletion: true` the response waits
 *   for the run to end and adds `completion` (`status`, `replyDisposition`, delivery facts).
 * - Replay by `Idempotency-Key`, else `X-OpenClaw-Idempotency-Key`, else the payload's
 *   `idempotencyKey` (trimmed, nonempty, at most 256 characters), for the same token, path and
 *   dispatch fields ("changing the message or routing can create a new run"); `waitForCompletion`
 *   may change between retries. A pending admission is kept from the start; failed admissions are
 *   not kept; a completed run's entry expires 5 minutes after it completed.
 */

/** The gateway settings under `hooks.*` that change what the fake accepts. */
export interface GatewayConfig {
  token: string;
  /** `hooks.path`. */
  path: string;
  allowRequestSessionKey: boolean;
  allowedSessionKeyPrefixes: string[];
  /** `hooks.defaultSessionKey`: the key of a request that names none (else a generated `hook:<uuid>`). */
  defaultSessionKey?: string;
  /** Agents the gateway has configured (`agentId` must name one). */
  agents: string[];
}

/** A run's terminal facts, as `completion` carries them. */
export interface Completion {
  status: "ok" | "error" | "skipped";
  replyDisposition?: "visible" | "silent" | "empty";
  delivered?: boolean;
  deliveryAttempted?: boolean;
  deliveryError?: "delivery-failed";
  deliverySuppressionReason?: "empty" | "silent" | "heartbeat" | "channel_transform";
}

/** How a test scripts one admission: refuse it (`status` ≠ 200), or admit it and end the run so. */
export interface ScriptedRun {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * How long admission takes (under the gateway's 15 s): the run is pending, and kept for its key,
   * from the moment the request arrives, so a caller that gave up waiting and retries joins it.
   */
  admitMs?: number;
  /** How long the admitted run takes before it completes. */
  runMs?: number;
  completion?: Completion;
}

export interface GatewayReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request the gateway took past authentication and validation. */
export interface GatewayCall {
  /** The run it started or replayed; unset when the admission was refused. */
  runId?: string;
  /** True when it replayed an earlier admission of the same key instead of starting a run. */
  replay: boolean;
  idempotencyKey?: string;
  waitForCompletion: boolean;
}

const BODY_LIMIT = 256 * 1024;
const REPLAY_KEPT_MS = 5 * 60_000;
const AUTH_FAILURES_ALLOWED = 20;
const AUTH_WINDOW_MS = 60_000;
const CHANNELS = new Set(["telegram", "whatsapp", "discord", "slack", "signal", "imessage"]);
/** Everything but these identifies the dispatch for replay. */
const NOT_DISPATCH = new Set(["waitForCompletion", "idempotencyKey"]);

/** The gateway's error texts, for tests that check a refusal is reported in the gateway's words. */
export const GATEWAY_ERRORS = {
  sessionKeyDisabled: "sessionKey is disabled for hook requests (set hooks.allowRequestSessionKey)",
  sessionKeyPrefix: "sessionKey does not match hooks.allowedSessionKeyPrefixes",
  partialDestination: "channel and to must be given together",
  channelLast: 'direct /agent cannot use channel "last"',
  messageRequired: "message is required",
  defaultKeyPrefix: "hooks.defaultSessionKey must match hooks.allowedSessionKeyPrefixes",
  generatedKeyPrefix: "hooks.allowedSessionKeyPrefixes must include 'hook:' when hooks.defaultSessionKey is unset",
} as const;

const prefixesOf = (config: GatewayConfig) =>
  config.allowedSessionKeyPrefixes.filter((p) => p.trim() !== "").map((p) => p.toLowerCase());

/** Case-insensitive prefix match; an empty (or all-blank) list admits every key. */
const keyAdmitted = (config: GatewayConfig, key: string) => {
  const prefixes = prefixesOf(config);
  return prefixes.length === 0 || prefixes.some((p) => key.toLowerCase().startsWith(p));
};

/** The configuration checks the gateway makes before it serves hooks at all. */
function checkConfig(config: GatewayConfig) {
  if (config.defaultSessionKey !== undefined && !keyAdmitted(config, config.defaultSessionKey)) {
    throw new Error(GATEWAY_ERRORS.defaultKeyPrefix);
  }
  if (config.defaultSessionKey === undefined && !keyAdmitted(config, "hook:example")) {
    throw new Error(GATEWAY_ERRORS.generatedKeyPrefix);
  }
}

interface Entry {
  token: string;
  dispatch: string;
  runId: string;
  admitted: Promise<void>;
  completion: Promise<Completion>;
  completedAt?: number;
}

const bad = (error: string): GatewayReply => ({ status: 400, body: { ok: false, error } });

/** The replay key the docs name, in their order of precedence. */
function replayKey(headers: IncomingHttpHeaders, body: Record<string, unknown>): string | undefined {
  const candidates = [headers["idempotency-key"], headers["x-openclaw-idempotency-key"], body.idempotencyKey];
  for (const value of candidates) {
    const key = typeof value === "string" ? value.trim() : undefined;
    if (key && key.length <= 256) return key;
  }
  return undefined;
}

const sorted = (value: Record<string, unknown>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !NOT_DISPATCH.has(k))
        .sort(),
    ),
  );

/** The payload checks of "Hook agent payload" and "Hook session and agent policy". */
function validate(config: GatewayConfig, body: Record<string, unknown>): GatewayReply | undefined {
  if (typeof body.message !== "string" || body.message.trim() === "") return bad(GATEWAY_ERRORS.messageRequired);
  if (body.agentId !== undefined && !config.agents.includes(String(body.agentId))) {
    return bad(`unknown agentId: ${String(body.agentId)}`);
  }
  const prefixes = prefixesOf(config);
  if (body.sessionKey !== undefined) {
    if (!config.allowRequestSessionKey) return bad(GATEWAY_ERRORS.sessionKeyDisabled);
    if (typeof body.sessionKey !== "string" || !keyAdmitted(config, body.sessionKey)) {
      return bad(GATEWAY_ERRORS.sessionKeyPrefix);
    }
  }
  const mode = body.sessionMode ?? "isolated";
  if (mode !== "isolated" && mode !== "persistent") return bad("sessionMode must be isolated or persistent");
  if (mode === "persistent" && (body.sessionKey === undefined || prefixes.length === 0)) {
    return bad("persistent sessionMode needs a sessionKey, hooks.allowRequestSessionKey and a prefix allowlist");
  }
  if (body.wakeMode !== undefined && body.wakeMode !== "now" && body.wakeMode !== "next-heartbeat") {
    return bad("wakeMode must be now or next-heartbeat");
  }
  if (body.waitForCompletion !== undefined && typeof body.waitForCompletion !== "boolean") {
    return bad("waitForCompletion must be a boolean");
  }
  if (body.deliver !== false) {
    if ((body.channel === undefined) !== (body.to === undefined)) return bad(GATEWAY_ERRORS.partialDestination);
    if (body.channel === "last") return bad(GATEWAY_ERRORS.channelLast);
    if (body.channel !== undefined && !CHANNELS.has(String(body.channel))) {
      return bad(`unknown channel: ${String(body.channel)}`);
    }
    if (body.to !== undefined && (typeof body.to !== "string" || body.to.trim() === "")) {
      return bad("to must be a nonempty string");
    }
    if (body.accountId !== undefined && body.channel === undefined) return bad("accountId needs channel and to");
  }
  return undefined;
}

/** A run that went as well as it could: delivered when it had a destination to deliver to. */
function defaultCompletion(body: Record<string, unknown>): Completion {
  const destination = body.deliver !== false && body.channel !== undefined;
  return destination
    ? { status: "ok", replyDisposition: "visible", delivered: true, deliveryAttempted: true }
    : { status: "ok", replyDisposition: "visible" };
}

/**
 * The gateway's `/hooks/agent` behind `config`. `answer` is called for each request with its path,
 * query, headers, raw body and client address, and with `takeScript(recipient)`, which hands out the
 * next scripted run for a recipient (the payload's `to`, or its message when it has none). It
 * resolves to the reply and, for a request that got past validation, the call to record. It throws,
 * as the gateway refuses to start, on a hooks configuration the gateway would refuse.
 */
export function openclawGateway(config: GatewayConfig) {
  checkConfig(config);
  const entries = new Map<string, Entry>();
  const authFailures = new Map<string, number[]>();

  const authorised = (headers: IncomingHttpHeaders) => {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1]?.trim();
    const presented = bearer || (typeof headers["x-openclaw-token"] === "string" ? headers["x-openclaw-token"] : "");
    return presented === config.token ? presented : undefined;
  };

  function throttled(client: string): GatewayReply | undefined {
    const now = Date.now();
    const recent = (authFailures.get(client) ?? []).filter((t) => now - t < AUTH_WINDOW_MS);
    authFailures.set(client, recent);
    if (recent.length < AUTH_FAILURES_ALLOWED) return undefined;
    const wait = Math.ceil((AUTH_WINDOW_MS - (now - recent[0]!)) / 1000);
    return { status: 429, body: "Too Many Requests", headers: { "retry-after": String(wait) } };
  }

  function lookup(key: string) {
    const entry = entries.get(key);
    if (entry?.completedAt !== undefined && Date.now() - entry.completedAt > REPLAY_KEPT_MS) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    /** Forgets the replay entry of `key`, as five minutes after completion or a restart would. */
    expire(key: string) {
      entries.delete(key);
    },

    async answer(
      request: { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; raw: Buffer },
      client: string,
      takeScript: (recipient: string) => ScriptedRun | undefined,
    ): Promise<{ reply: GatewayReply; call?: GatewayCall; recipient?: string; body?: unknown }> {
      if (request.path !== `${config.path}/agent`) return { reply: { status: 404, body: "Not Found" } };
      if (request.method !== "POST")
        return { reply: { status: 405, body: "Method Not Allowed", headers: { allow: "POST" } } };
      if (request.query.has("token")) return { reply: bad("hook token must not be sent as a query parameter") };
      const token = authorised(request.headers);
      if (!token) {
        const limited = throttled(client);
        if (limited) return { reply: limited };
        authFailures.get(client)!.push(Date.now());
        return { reply: { status: 401, body: "Unauthorized" } };
      }
      authFailures.delete(client);
      if (request.raw.length > BODY_LIMIT)
        return { reply: { status: 413, body: { ok: false, error: "payload too large" } } };
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(request.raw.toString("utf8"));
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
      } catch {
        return { reply: bad("invalid JSON") };
      }
      const refused = validate(config, body);
      if (refused) return { reply: refused, body };

      const recipient = typeof body.to === "string" ? body.to : String(body.message);
      const key = replayKey(request.headers, body);
      const waitForCompletion = body.waitForCompletion === true;
      const dispatch = sorted(body);
      const earlier = key ? lookup(key) : undefined;
      let entry: Entry;
      let replay = false;
      if (earlier && earlier.token === token && earlier.dispatch === dispatch) {
        entry = earlier;
        replay = true;
      } else {
        const script = takeScript(recipient);
        if (script?.status !== undefined && script.status !== 200) {
          // A failed admission is not kept: a retry with the same key is a new attempt.
          const reply = {
            status: script.status,
            body: script.body ?? { ok: false, error: "admission failed" },
            headers: script.headers,
          };
          return { reply, call: { replay: false, idempotencyKey: key, waitForCompletion }, recipient, body };
        }
        const runId = crypto.randomUUID();
        const admitted = new Promise<void>((resolve) => setTimeout(resolve, script?.admitMs ?? 0));
        const completion = admitted.then(
          () =>
            new Promise<Completion>((resolve) =>
              setTimeout(() => resolve(script?.completion ?? defaultCompletion(body)), script?.runMs ?? 0),
            ),
        );
        entry = { token, dispatch, runId, admitted, completion };
        void completion.then(() => {
          entry.completedAt = Date.now();
        });
        if (key) entries.set(key, entry);
      }
      // "Pending admissions … are retained": a replay of one waits for it like the first request.
      await entry.admitted;
      const call: GatewayCall = { runId: entry.runId, replay, idempotencyKey: key, waitForCompletion };
      const reply: GatewayReply = waitForCompletion
        ? { status: 200, body: { ok: true, runId: entry.runId, completion: await entry.completion } }
        : { status: 200, body: { ok: true, runId: entry.runId } };
      return { reply, call, recipient, body };
    },
  };
}
