import { type Connection, type ConnectionContext, Server } from "partyserver";
import type { Change, ReadyMessage, RoomEvent, StaleMessage } from "./protocol";

/** How many broadcast changes the room keeps for replay to reconnecting clients. */
export const BACKLOG_SIZE = 1000;

/**
 * Publishes from concurrent requests can arrive out of seq order. A change that arrives ahead of a
 * missing one waits this long for it; after that the room sends it anyway and clients, seeing the
 * gap, fetch the missing change from `GET /changes` (its publish may have failed for good).
 */
export const HOLE_WAIT_MS = 250;

/**
 * The workspace's room: broadcasts each committed change to every dashboard in seq order and keeps
 * a backlog for reconnects. State lives in the Durable Object's SQLite, never in memory, because a
 * hibernating room loses its memory. Only the Worker publishes (over RPC); clients only listen.
 */
export class SyncRoom extends Server<Cloudflare.Env> {
  static override options = { hibernate: true };

  override onStart() {
    this.sql`create table if not exists backlog (seq integer primary key, message text not null)`;
    // `through`: the highest seq broadcast so far; every change after it is still to be sent.
    this.sql`create table if not exists position (id integer primary key check (id = 1), through integer not null)`;
  }

  /** RPC from the Worker, after a transaction commits: record and broadcast its changes. */
  async publish(changes: Change[]) {
    for (const change of changes) {
      this.sql`insert or ignore into backlog (seq, message) values (${change.seq}, ${JSON.stringify(change)})`;
    }
    if (this.#broadcastInOrder(false) && (await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + HOLE_WAIT_MS);
    }
  }

  /** RPC from the Worker: an event that is not a change (e.g. `reminder.due`); broadcast, not kept. */
  notify(event: RoomEvent) {
    if (typeof event?.type !== "string" || !event.type.includes(".")) throw new TypeError("An event needs a type.");
    this.broadcast(JSON.stringify(event));
  }

  override onConnect(connection: Connection, { request }: ConnectionContext) {
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

  /** A missing change did not arrive in time: send what waits behind it; clients catch up over the gap. */
  override onAlarm() {
    this.#broadcastInOrder(true);
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
