import PartySocket from "partysocket";
import { type Change, DEFAULT_ROOM, isChange, PARTY, type RoomEvent, type ServerMessage } from "../party/protocol";
import { type Api, ApiError, type ApiOptions, createApi } from "./json-api";

export type Resource = { id: string } & Record<string, unknown>;
export type Status = "connecting" | "live" | "offline";

export interface SyncClientOptions extends ApiOptions {
  /** Load every task and reminder before subscribing (the dashboard); off for a pure change feed. */
  loadLists?: boolean;
  /** A WebSocket constructor for runtimes without a global one. */
  WebSocket?: unknown;
  /** Also catch up this often, in case a publish was lost and no later change reveals the gap (0: never). */
  pollIntervalMs?: number;
  /** Shortest wait before reconnecting a dropped socket. */
  minReconnectMs?: number;
  /** Called once per change, in seq order; `via` says whether the room or GET /changes brought it. */
  onChange?(change: Change, via: "room" | "catch-up"): void;
  onEvent?(event: RoomEvent): void;
  onStatus?(status: Status): void;
  /** The server no longer has the history after our cursor: lists were reloaded from scratch. */
  onReset?(): void;
}

interface ChangePage {
  changes: Change[];
  next_since: number;
  has_more: boolean;
}

/**
 * A live copy of the workspace: fetch the position, load the lists, subscribe to the room, and catch
 * up from `GET /changes` whenever the room says it cannot replay or a gap in seq shows a change was
 * missed. Changes are applied once each, in seq (= commit) order; duplicates are dropped.
 */
export class SyncClient {
  readonly tasks = new Map<string, Resource>();
  readonly reminders = new Map<string, Resource>();
  /** Every change up to this seq has been applied. */
  cursor = 0;
  readonly api: Api;
  #socket?: PartySocket;
  #ahead = new Map<number, Change>();
  #catchingUp?: Promise<void>;
  /** While lists load, changes wait in #ahead: applied to a half-loaded copy, they would be overwritten. */
  #loading = false;
  #poll?: ReturnType<typeof setInterval>;

  constructor(readonly options: SyncClientOptions) {
    this.api = createApi(options);
  }

  async start(): Promise<void> {
    await this.#loadFromScratch();
    const { host, protocol } = new URL(this.options.baseUrl);
    this.options.onStatus?.("connecting");
    this.#socket = new PartySocket({
      host,
      protocol: protocol === "https:" ? "wss" : "ws",
      party: PARTY,
      room: DEFAULT_ROOM,
      // Called before every (re)connect: a fresh token, and where to replay from.
      query: async () => ({ token: await this.#token(), since: String(this.cursor) }),
      WebSocket: this.options.WebSocket,
      minReconnectionDelay: this.options.minReconnectMs ?? 1000,
      maxReconnectionDelay: 10_000,
    });
    this.#socket.addEventListener("open", () => this.options.onStatus?.("live"));
    this.#socket.addEventListener("close", () => this.options.onStatus?.("offline"));
    this.#socket.addEventListener("message", (event) => this.#receive(event.data));
    const every = this.options.pollIntervalMs ?? 30_000;
    if (every > 0) this.#poll = setInterval(() => void this.catchUp().catch(() => {}), every);
  }

  stop() {
    if (this.#poll) clearInterval(this.#poll);
    this.#socket?.close();
  }

  /** Drops the socket without reconnecting (tests, or a page going to the background). */
  disconnect() {
    this.#socket?.close();
  }

  reconnect() {
    this.#socket?.reconnect();
  }

  /** Fetches and applies every change after the cursor; concurrent calls share one run. */
  catchUp(): Promise<void> {
    this.#catchingUp ??= this.#fetchMissing().finally(() => {
      this.#catchingUp = undefined;
    });
    return this.#catchingUp;
  }

  async #fetchMissing(): Promise<void> {
    const from = this.cursor;
    try {
      for (;;) {
        const page = await this.api<ChangePage>("GET", `/changes?since=${this.cursor}&limit=1000`);
        for (const change of page.changes) this.#applyInOrder(change, "catch-up");
        if (!page.has_more) break;
      }
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 410)) throw err;
      await this.#loadFromScratch();
      this.options.onReset?.();
    }
    this.#drainAhead();
    // Changes that arrived past a gap while we fetched: fetch again, as long as that makes progress.
    if (this.#ahead.size > 0 && this.cursor > from) await this.#fetchMissing();
  }

  #receive(raw: unknown) {
    if (typeof raw !== "string") return;
    const message = JSON.parse(raw) as ServerMessage;
    if (isChange(message)) {
      if (message.seq <= this.cursor) return;
      if (message.seq === this.cursor + 1 && !this.#loading) {
        this.#applyInOrder(message, "room");
        this.#drainAhead();
        return;
      }
      this.#ahead.set(message.seq, message);
      if (!this.#loading) void this.catchUp().catch(() => {});
    } else if (message.type === "sync.stale") {
      void this.catchUp().catch(() => {});
    } else if (message.type !== "sync.ready") {
      this.options.onEvent?.(message as RoomEvent);
    }
  }

  #applyInOrder(change: Change, via: "room" | "catch-up") {
    if (change.seq <= this.cursor) return;
    const map = change.entity === "task" ? this.tasks : this.reminders;
    if (change.op === "deleted") map.delete(change.id);
    else map.set(change.id, change.data as Resource);
    this.cursor = change.seq;
    this.options.onChange?.(change, via);
  }

  #drainAhead() {
    for (const seq of [...this.#ahead.keys()].sort((a, b) => a - b)) {
      if (seq <= this.cursor) this.#ahead.delete(seq);
      else if (seq === this.cursor + 1) {
        this.#applyInOrder(this.#ahead.get(seq)!, "room");
        this.#ahead.delete(seq);
      }
    }
  }

  /** Position first, lists second: anything committed in between is replayed on top, harmlessly. */
  async #loadFromScratch() {
    this.#loading = true;
    try {
      this.cursor = (await this.api<ChangePage>("GET", "/changes")).next_since;
      if (this.options.loadLists !== false) await this.#loadLists();
    } finally {
      this.#loading = false;
    }
    this.#drainAhead();
  }

  async #loadLists() {
    for (const [path, map] of [
      ["/tasks", this.tasks],
      ["/reminders", this.reminders],
    ] as const) {
      const items = new Map<string, Resource>();
      let cursor: string | null = null;
      do {
        const page: { items: Resource[]; next_cursor: string | null } = await this.api(
          "GET",
          `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        for (const item of page.items) items.set(item.id, item);
        cursor = page.next_cursor;
      } while (cursor);
      map.clear();
      for (const [id, item] of items) map.set(id, item);
    }
  }

  async #token(): Promise<string> {
    return (await this.api<{ token: string }>("POST", "/realtime/token")).token;
  }
}
