import PartySocket from "partysocket";
import {
  type Change,
  CLOSE_KEY_REVOKED,
  DEFAULT_ROOM,
  isChange,
  PARTY,
  type RoomEvent,
  type ServerMessage,
} from "../party/protocol";
import {
  type ApiClient,
  type ApiClientOptions,
  ApiError,
  createApiClient,
  type Reminder,
  type Task,
  unwrap,
} from "./api";

export type Status = "connecting" | "live" | "offline";

export interface SyncClientOptions extends ApiClientOptions {
  /** Origin of the API, e.g. `http://127.0.0.1:8787`; the dashboard uses its own origin. */
  baseUrl: string;
  /** The API key to send as `Authorization: Bearer`; read on every call, so it may change. */
  apiKey?: () => string | null | undefined;
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
  /**
   * The key was revoked, or may not join the room: the socket stopped reconnecting. Call
   * `reconnect()` to try again (with another key).
   */
  onRefused?(): void;
}

/** Lists load in pages of this many. */
const LIST_PAGE = "200";

/**
 * A live copy of the workspace: fetch the position, load the lists, subscribe to the room, and catch
 * up from `GET /changes` whenever the room says it cannot replay or a gap in seq shows a change was
 * missed. Changes are applied once each, in seq (= commit) order; duplicates are dropped.
 */
export class SyncClient {
  readonly tasks = new Map<string, Task>();
  readonly reminders = new Map<string, Reminder>();
  /** Every change up to this seq has been applied. */
  cursor = 0;
  /** The typed API client this sync client calls, with the same key: for the caller's own writes. */
  readonly api: ApiClient;
  #socket?: PartySocket;
  #ahead = new Map<number, Change>();
  #catchingUp?: Promise<void>;
  /** While lists load, changes wait in #ahead: applied to a half-loaded copy, they would be overwritten. */
  #loading = false;
  #poll?: ReturnType<typeof setInterval>;

  constructor(readonly options: SyncClientOptions) {
    this.api = createApiClient(options.baseUrl, options.apiKey ?? (() => null), options);
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
      // Called before every (re)connect: a fresh token, and where to replay from. The room closes
      // each socket at its maximum session age, so a revoked key is found out here at the latest.
      query: async () => ({ token: await this.#token(), since: String(this.cursor) }),
      WebSocket: this.options.WebSocket,
      minReconnectionDelay: this.options.minReconnectMs ?? 1000,
      maxReconnectionDelay: 10_000,
      shouldReconnectOnClose: (event) => {
        if (event.code !== CLOSE_KEY_REVOKED) return true;
        this.options.onRefused?.();
        return false;
      },
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
        const page = await unwrap(this.api.changes.$get({ query: { since: String(this.cursor), limit: "1000" } }));
        // The same changes the room sends; the API's schema types `type` as a plain string.
        for (const change of page.changes) this.#applyInOrder(change as Change, "catch-up");
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
    // `data` is the resource as the REST API shows it, of the kind `entity` names.
    // Projects and people are not kept here; their changes still advance the cursor.
    if (change.entity === "task") this.#put(this.tasks, change, change.data as Task);
    else if (change.entity === "reminder") this.#put(this.reminders, change, change.data as Reminder);
    this.cursor = change.seq;
    this.options.onChange?.(change, via);
  }

  #put<T>(map: Map<string, T>, change: Change, data: T) {
    if (change.op === "deleted") map.delete(change.id);
    else map.set(change.id, data);
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
      this.cursor = (await unwrap(this.api.changes.$get({ query: {} }))).next_since;
      if (this.options.loadLists !== false) await this.#loadLists();
    } finally {
      this.#loading = false;
    }
    this.#drainAhead();
  }

  async #loadLists() {
    await loadList(this.tasks, (cursor) => unwrap(this.api.tasks.$get({ query: { limit: LIST_PAGE, cursor } })));
    await loadList(this.reminders, (cursor) =>
      unwrap(this.api.reminders.$get({ query: { limit: LIST_PAGE, cursor } })),
    );
  }

  async #token(): Promise<string> {
    try {
      return (await unwrap(this.api.realtime.token.$post())).token;
    } catch (err) {
      // Retrying cannot help a key that is unknown, revoked or lacks the scopes; other errors pass.
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.#socket?.close();
        this.options.onRefused?.();
      }
      throw err;
    }
  }
}

/** Replaces `map` with every item of a paginated list, following `next_cursor` to the last page. */
async function loadList<T extends { id: string }>(
  map: Map<string, T>,
  page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>,
) {
  const items = new Map<string, T>();
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    for (const item of answer.items) items.set(item.id, item);
    cursor = answer.next_cursor ?? undefined;
  } while (cursor);
  map.clear();
  for (const [id, item] of items) map.set(id, item);
}
