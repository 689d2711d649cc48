import { env, SELF } from "cloudflare:test";
import { unwrap } from "../../client/api";
import type { SyncClientOptions } from "../../client/sync-client";
import { api, BASE, workerFetch } from "../helpers";
import { eventually, startRecordingClient } from "../sync-harness";

const ADMIN = (env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;

/** A room token from POST /realtime/token, asked for with `key` (default: the admin token). */
export async function roomToken(key?: string): Promise<string> {
  return (await unwrap(api(key).realtime.token.$post())).token;
}

/**
 * A raw WebSocket to the room through the Worker (a real upgrade), collecting what it receives and
 * how it closed. `query.token` defaults to a fresh admin token.
 */
export async function openRoomSocket(query: Record<string, string> = {}) {
  const params = new URLSearchParams({ token: query.token ?? (await roomToken()), ...query });
  const res = await SELF.fetch(`${BASE}/parties/main/default?${params}`, { headers: { upgrade: "websocket" } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const messages: { at: number; data: any }[] = [];
  let closed: { at: number; code: number; reason: string } | undefined;
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    messages.push({ at: performance.now(), data: JSON.parse(event.data as string) });
    for (const wake of waiters) wake();
  });
  ws.addEventListener("close", (event) => {
    closed = { at: performance.now(), code: event.code, reason: event.reason };
  });
  /** The first message (from `from` on) that matches, within `ms`. */
  async function next(match: (data: any) => boolean, ms = 2000, from = 0) {
    const deadline = performance.now() + ms;
    for (;;) {
      const found = messages.slice(from).find((m) => match(m.data));
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(messages.map((m) => m.data.type))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, left);
      });
    }
  }
  return { ws, messages, next, closed: () => closed, close: () => ws.close(1000, "done") };
}

/**
 * The browser WebSocket interface over a real upgrade through SELF, so partysocket (and the client
 * built on it) runs here unchanged: workerd's own `new WebSocket(url)` would leave the process.
 */
export class SelfWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = 0;
  binaryType = "blob";
  readonly protocol = "";
  readonly extensions = "";
  readonly bufferedAmount = 0;
  #ws?: WebSocket;

  constructor(readonly url: string) {
    super();
    SELF.fetch(url.replace(/^ws/, "http"), { headers: { upgrade: "websocket" } }).then(
      (res) => {
        const ws = res.webSocket;
        if (!ws || this.readyState !== 0) return this.#closed(1006, `refused with ${res.status}`);
        ws.accept();
        this.#ws = ws;
        this.readyState = 1;
        ws.addEventListener("message", (event) =>
          this.dispatchEvent(new MessageEvent("message", { data: event.data })),
        );
        ws.addEventListener("close", (event) => this.#closed(event.code, event.reason));
        ws.addEventListener("error", () => this.dispatchEvent(new Event("error")));
        this.dispatchEvent(new Event("open"));
      },
      () => this.#closed(1006, "unreachable"),
    );
  }

  send(data: string) {
    this.#ws?.send(data);
  }

  close(code = 1000, reason = "") {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    this.#ws?.close(code, reason);
    this.#closed(code, reason);
  }

  #closed(code: number, reason: string) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.dispatchEvent(new CloseEvent("close", { code, reason }));
  }
}

/** The project's client, started against this Worker; records every change it applies. */
export const startClient = (options: Partial<SyncClientOptions> = {}) =>
  startRecordingClient({
    baseUrl: BASE,
    apiKey: () => ADMIN,
    fetch: workerFetch,
    WebSocket: SelfWebSocket,
    minReconnectMs: 50,
    ...options,
  });

export { eventually };
