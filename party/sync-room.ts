import { type Connection, type ConnectionContext, Server } from "partyserver";
import { problem, problemAsResponse } from "../worker/http/problem";
import { requestIdFor } from "../worker/http/request-id";
import type { RealtimeSettings } from "../worker/settings";
import {
  type Change,
  CLOSE_KEY_REVOKED,
  CLOSE_SESSION_EXPIRED,
  type ReadyMessage,
  ROOM_KEY_HEADER,
  type RoomEvent,
  type StaleMessage,
} from "./protocol";

/** How many broadcast changes the room keeps for replay to reconnecting clients. */
export const BACKLOG_SIZE = 1000;

/**
 * Publishes from concurrent requests can arrive out of seq order. A change that arrives ahead of a
 * missing one waits this long for it; after that the room sends it anyway and clients, seeing the
 * gap, fetch the missing change from `GET /changes` (its publish may have failed for good).
 */
export const HOLE_WAIT_MS = 250;

/**
 * How long a revocation is remembered past the longest-lived token: long enough for every token
 * minted before it, or minted by an isolate whose key cache had not yet heard of it, to expire.
 */
const REVOCATION_MARGIN_MS = 86_400_000;

/** What the room keeps about each socket, in its attachment (hibernation keeps it, not memory). */
interface Session {
  /** The API key (or `admin-token`) whose room token opened the socket. */
  key: string;
  /** When the room closes it: its connect time plus the maximum session age. */
  until: number;
}

const keyTag = (key: string) => `key:${key}`;

/**
 * The workspace's room: broadcasts each committed change to every dashboard in seq order and keeps
 * a backlog for reconnects. State lives in the Durable Object's SQLite, never in memory, because a
 * hibernating room loses its memory. Only the Worker publishes (over RPC); clients only listen.
 *
 * Every socket belongs to the key whose token opened it: revoking the key closes it at once
 * (`revoke`), and every socket is closed at its maximum session age, by an alarm, so a revocation
 * that never arrived still ends it.
 */
export class SyncRoom extends Server<Cloudflare.Env> {
  static override options = { hibernate: true };

  /**
   * The room's settings, parsed on first need: the settings module brings zod, which every isolate
   * of the Worker would otherwise evaluate at startup (issue #21). A new socket always comes through
   * `fetch`, which loads them before partyserver calls `onConnect`.
   */
  #realtime: RealtimeSettings | undefined;
  async #settings(): Promise<RealtimeSettings> {
    this.#realtime ??= (await import("../worker/settings")).settingsOf(this.env).realtime;
    return this.#realtime;
  }

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    // Here rather than in onStart: `fetch` reads the revocations before partyserver starts the room.
    this.sql`create table if not exists backlog (seq integer primary key, message text not null)`;
    // `through`: the highest seq broadcast so far; every change after it is still to be sent.
    this.sql`create table if not exists position (id integer primary key check (id = 1), through integer not null)`;
    // Keys revoked lately, each until no token of theirs can still be valid.
    this.sql`create table if not exists revoked (key text primary key, until integer not null)`;
    // When to send past a missing change; the one alarm also serves the sessions' deadlines.
    this.sql`create table if not exists hole (id integer primary key check (id = 1), at integer not null)`;
  }

  /** Refuses, before any socket exists, an upgrade whose key is revoked (or that bypassed the gateway). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      await this.#settings();
      const key = request.headers.get(ROOM_KEY_HEADER);
      if (!key || this.#isRevoked(key)) {
        return problemAsResponse(
          problem(401, "unauthenticated", "This room token's API key has been revoked; use another key."),
          requestIdFor(request.headers.get("x-request-id")),
        );
      }
    }
    return super.fetch(request);
  }

  /** RPC from the Worker, after a transaction commits: record and broadcast its changes. */
  async publish(changes: Change[]) {
    for (const change of changes) {
      this.sql`insert or ignore into backlog (seq, message) values (${change.seq}, ${JSON.stringify(change)})`;
    }
    if (!this.#broadcastInOrder(false)) {
      this.sql`delete from hole`;
    } else if (this.#holeDeadline() === null) {
      const at = Date.now() + HOLE_WAIT_MS;
      this.sql`insert into hole (id, at) values (1, ${at})`;
      await this.#wakeBy(at);
    }
  }

  /** RPC from the Worker: an event that is not a change (e.g. `reminder.due`); broadcast, not kept. */
  notify(event: RoomEvent) {
    if (typeof event?.type !== "string" || !event.type.includes(".")) throw new TypeError("An event needs a type.");
    this.broadcast(JSON.stringify(event));
  }

  /**
   * RPC from the Worker, after `DELETE /api-keys/{id}` commits: closes the key's sockets
   * (`CLOSE_KEY_REVOKED`) and refuses its tokens from now on. Returns how many sockets it closed.
   */
  async revoke(key: string): Promise<number> {
    if (typeof key !== "string" || !key) throw new TypeError("Name the key to revoke.");
    const { tokenTtlSeconds } = await this.#settings();
    const now = Date.now();
    const until = now + tokenTtlSeconds * 1000 + REVOCATION_MARGIN_MS;
    this.sql`delete from revoked where until < ${now}`;
    this
      .sql`insert into revoked (key, until) values (${key}, ${until}) on conflict (key) do update set until = excluded.until`;
    let closed = 0;
    for (const connection of this.getConnections(keyTag(key))) {
      connection.close(CLOSE_KEY_REVOKED, "API key revoked");
      closed++;
    }
    return closed;
  }

  /** Tags each socket with its key, so `revoke` finds that key's sockets without reading every one. */
  override getConnectionTags(_connection: Connection, { request }: ConnectionContext) {
    return [keyTag(request.headers.get(ROOM_KEY_HEADER)!)];
  }

  override async onConnect(connection: Connection<Session>, { request }: ConnectionContext) {
    // Loaded by `fetch`, which every upgrade passes before this runs.
    const until = Date.now() + this.#realtime!.maxSessionSeconds * 1000;
    connection.setState({ key: request.headers.get(ROOM_KEY_HEADER)!, until });
    await this.#wakeBy(until);

    const since = parseSince(new URL(request.url).searchParams.get("since"));
    const through = this.#through();
    if (since === null || (through !== null && since >= through)) return send(connection, ready(through));
    const stale: StaleMessage = { type: "sync.stale", since };
    if (through === null) return send(connection, stale);
    const replay = this.sql<{ message: string }>`
      select message from backlog where seq > ${since} and seq <= ${through} order by seq`;
    // The backlog covers `since` only if every change after it is still there (no hole, none trimmed).
    if (replay.length !== through - since) return send(connection, stale);
    for (const row of replay) connection.send(row.message);
    send(connection, ready(through));
  }

  /** Clients only listen: whatever they send is dropped, never broadcast. */
  override onMessage() {}

  /**
   * The one alarm: a missing change did not arrive in time (send what waits behind it; clients catch
   * up over the gap), or a socket reached its maximum session age (close it; its client reconnects
   * with a fresh token). Then it is set again for whichever comes next.
   */
  override async onAlarm() {
    const now = Date.now();
    let next = this.#holeDeadline();
    if (next !== null && next <= now) {
      this.sql`delete from hole`;
      this.#broadcastInOrder(true);
      next = null;
    }
    for (const connection of this.getConnections<Session>()) {
      const until = connection.state?.until ?? 0;
      if (until <= now) connection.close(CLOSE_SESSION_EXPIRED, "Session expired: reconnect with a fresh token.");
      else next = Math.min(next ?? until, until);
    }
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  #isRevoked(key: string): boolean {
    return this.sql`select 1 from revoked where key = ${key} and until >= ${Date.now()}`.length > 0;
  }

  #holeDeadline(): number | null {
    return this.sql<{ at: number }>`select at from hole where id = 1`[0]?.at ?? null;
  }

  /** Makes sure the alarm fires by `at` (a later one is moved up; an earlier one stays and re-arms). */
  async #wakeBy(at: number) {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
  }

  #through(): number | null {
    return this.sql<{ through: number }>`select through from position where id = 1`[0]?.through ?? null;
  }

  /** Broadcasts the changes after `through` that are in order; true if some wait behind a missing one. */
  #broadcastInOrder(skipHoles: boolean): boolean {
    const pending = (through: number) =>
      this.sql<{ seq: number; message: string }>`select seq, message from backlog where seq > ${through} order by seq`;
    let through = this.#through();
    // A new room starts from the first change it hears of; older ones are in `GET /changes`.
    if (through === null) {
      const first = this.sql<{ seq: number }>`select min(seq) as seq from backlog`[0]?.seq;
      if (first == null) return false;
      through = first - 1;
    }
    let waiting = false;
    for (const row of pending(through)) {
      if (row.seq !== through + 1 && !skipHoles) {
        waiting = true;
        break;
      }
      this.broadcast(row.message);
      through = row.seq;
    }
    this
      .sql`insert into position (id, through) values (1, ${through}) on conflict (id) do update set through = excluded.through`;
    this.sql`delete from backlog where seq <= ${through - BACKLOG_SIZE}`;
    return waiting;
  }
}

function parseSince(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

const ready = (through: number | null): ReadyMessage => ({ type: "sync.ready", through });

function send(connection: Connection, message: ReadyMessage | StaleMessage) {
  connection.send(JSON.stringify(message));
}
