/**
 * The room's wire protocol, shared by the Worker (which publishes), the room (which broadcasts)
 * and the client (which applies). Every message is one JSON object with a `type`.
 */

import type { ChangeRow } from "../worker/db/schema/changes";

/** What the change log records, as its table declares it. */
export type ChangeEntity = ChangeRow["entity"];
export type ChangeOp = ChangeRow["op"];

/** One committed mutation, exactly as `GET /changes` returns it. `seq` is gap-free in commit order. */
export interface Change {
  seq: number;
  type: `${ChangeEntity}.${ChangeOp}`;
  entity: ChangeEntity;
  op: ChangeOp;
  id: string;
  /** The row after the change (before it, for `deleted`), shaped as the REST API shows it. */
  data: Record<string, unknown>;
  at: string;
}

/** Sent once on connect: the room replayed everything after `since` and is live from `through`. */
export interface ReadyMessage {
  type: "sync.ready";
  through: number | null;
}

/** Sent once on connect: the room cannot replay from `since`; fetch `GET /changes?since=` instead. */
export interface StaleMessage {
  type: "sync.stale";
  since: number | null;
}

/** A notification that is not a change to the data, such as a reminder falling due. */
export interface RoomEvent {
  type: `${string}.${string}`;
  [field: string]: unknown;
}

/** The scan's "ui" channel: a reminder is due now (or was, `late_by_seconds` ago). */
export interface ReminderDueEvent extends RoomEvent {
  type: "reminder.due";
  reminder: Record<string, unknown>;
  task: Record<string, unknown> | null;
  /**
   * Set when its firing was first attempted more than REMINDER_LATE_AFTER_S after its time: how late
   * it was then, the same on every retry.
   */
  late_by_seconds?: number;
}

/** The scan's word that a reminder will reach no one: it failed for good, or it was missed. */
export interface ReminderNoticeEvent extends RoomEvent {
  type: "reminder.failed" | "reminder.missed";
  reminder: Record<string, unknown>;
  task: Record<string, unknown> | null;
}

export type ServerMessage = Change | ReadyMessage | StaleMessage | RoomEvent;

/** Every entity the change log records (typed, so a new one cannot be left out), to tell a change from any other message. */
const ENTITIES: Record<ChangeEntity, true> = {
  task: true,
  reminder: true,
  project: true,
  person: true,
  attachment: true,
};

export const isChange = (message: { type: string; seq?: unknown }): message is Change =>
  typeof message.seq === "number" && Object.hasOwn(ENTITIES, message.type.split(".")[0]!);

/** The one room of the workspace (one room per workspace; today there is one workspace). */
export const DEFAULT_ROOM = "default";

/** The party name clients connect to: `/parties/main/<room>`, PartyKit's path, from the `MAIN` binding. */
export const PARTY = "main";

/**
 * Set by the Worker's gateway on every upgrade it lets through to the room: the id of the API key
 * (or `admin-token`) whose verified room token opened the socket. The gateway overwrites whatever a
 * client sent, and nothing but the gateway reaches the room over HTTP.
 */
export const ROOM_KEY_HEADER = "x-openclaw-room-key";

/**
 * Close codes the room sends (RFC 6455 leaves 4000–4999 to applications). After
 * `CLOSE_SESSION_EXPIRED` reconnect with a fresh token; after `CLOSE_KEY_REVOKED` the key is gone:
 * reconnecting is refused, so stop and ask for another key.
 */
export const CLOSE_SESSION_EXPIRED = 4000;
export const CLOSE_KEY_REVOKED = 4001;
