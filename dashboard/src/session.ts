import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import { type ApiClient, ApiError, unwrap } from "../../client/api";
import { type Status, SyncClient } from "../../client/sync-client";
import type { Change, ReminderDueEvent, ReminderNoticeEvent, RoomEvent } from "../../party/protocol";
import { UndoableDelete } from "./undoable-delete";

/** A room event worth telling the user about, with what its buttons act on. */
export interface Notice {
  id: number;
  kind: "due" | "failed" | "missed";
  text: string;
  reminderId: string;
  taskId: string;
}

type Listener = (change?: Change) => void;

/** What GET /me says about the signed-in credential. */
export type Caller = InferResponseType<ApiClient["me"]["$get"], 200>;

/** How long a row changed by another client stays highlighted. */
const HIGHLIGHT_MS = 2000;

/**
 * One signed-in key: the live copy of the workspace (the sync client), the connection status, the
 * notices from the room, and who the key is (GET /me: its name, scopes, whether an admin's). Views subscribe to data changes and to
 * state changes separately, so a status flicker does not reload a list.
 */
export class Session {
  status: Status = "connecting";
  notices: Notice[] = [];
  /** Who the key is; set by `start`. */
  caller: Caller | null = null;
  /** The room refused the key (revoked, or a scope taken away): the user must sign in again. */
  refused = false;
  readonly client: SyncClient;
  /** The task deleted a moment ago, which can still be brought back. */
  readonly deletion = new UndoableDelete(
    () => this.api,
    () => this.#setState(() => {}),
  );
  // A tab closed while a deletion can still be undone sends it: the user asked for it.
  readonly #onPageHide = () => this.deletion.flush();
  #changeListeners = new Set<Listener>();
  #stateListeners = new Set<() => void>();
  #recent = new Map<string, number>();
  #noticeSeq = 0;

  constructor(readonly key: string) {
    this.client = new SyncClient({
      baseUrl: location.origin,
      apiKey: () => key,
      onChange: (change, via) => {
        if (via === "room") this.#highlight(change.id);
        this.#emitChange(change);
      },
      onReset: () => this.#emitChange(),
      onEvent: (event) => this.#notice(event),
      onStatus: (status) => this.#setState(() => (this.status = status)),
      onRefused: () => this.#setState(() => (this.refused = true)),
    });
  }

  get api() {
    return this.client.api;
  }

  /** Loads the workspace and joins the room; throws the API's refusal (401, 403) for the sign-in screen. */
  async start() {
    // Any valid key may ask who it is (never a 403), and the admin views are offered only to admins.
    this.caller = await unwrap(this.api.me.$get());
    await this.client.start();
    addEventListener("pagehide", this.#onPageHide);
  }

  /** Whether the key holds `admin`: the Keys and Webhooks views are offered only then. */
  get admin() {
    return this.caller?.admin ?? false;
  }

  stop() {
    this.deletion.flush();
    removeEventListener("pagehide", this.#onPageHide);
    this.client.stop();
  }

  /** Whether another client changed this task or reminder a moment ago. */
  isRecent(id: string) {
    return (this.#recent.get(id) ?? 0) > Date.now();
  }

  dismiss(id: number) {
    this.#setState(() => (this.notices = this.notices.filter((n) => n.id !== id)));
  }

  onChange(listener: Listener) {
    this.#changeListeners.add(listener);
    return () => void this.#changeListeners.delete(listener);
  }

  onState(listener: () => void) {
    this.#stateListeners.add(listener);
    return () => void this.#stateListeners.delete(listener);
  }

  #emitChange(change?: Change) {
    for (const listener of this.#changeListeners) listener(change);
  }

  #setState(update: () => void) {
    update();
    for (const listener of this.#stateListeners) listener();
  }

  #highlight(id: string) {
    this.#recent.set(id, Date.now() + HIGHLIGHT_MS);
    // A re-render takes the highlight off; the data did not change, so nothing reloads.
    setTimeout(() => this.#setState(() => {}), HIGHLIGHT_MS + 50);
  }

  #notice(event: RoomEvent) {
    if (event.type !== "reminder.due" && event.type !== "reminder.failed" && event.type !== "reminder.missed") return;
    const { reminder, task } = event as ReminderDueEvent | ReminderNoticeEvent;
    const title = String(task?.title ?? "a task");
    const kind: Notice["kind"] =
      event.type === "reminder.due" ? "due" : event.type === "reminder.failed" ? "failed" : "missed";
    const text =
      kind === "due"
        ? `Reminder: ${title}`
        : `Reminder ${kind === "failed" ? "failed" : "missed"}: ${title}${reminder.last_error ? ` (${String(reminder.last_error)})` : ""}`;
    const notice = {
      id: ++this.#noticeSeq,
      kind,
      text,
      reminderId: String(reminder.id),
      taskId: String(reminder.task_id),
    };
    this.#setState(() => (this.notices = [notice, ...this.notices].slice(0, 5)));
  }
}

/** Re-renders on every data change (a number that grows); pass it to an effect's dependencies to reload. */
export function useChanges(session: Session, filter?: (change?: Change) => boolean) {
  const [revision, setRevision] = useState(0);
  useEffect(
    () => session.onChange((change) => (!filter || filter(change)) && setRevision((n) => n + 1)),
    [session, filter],
  );
  return revision;
}

/** Re-renders when the status, notices or refusal change. */
export function useSessionState(session: Session) {
  const [, setRevision] = useState(0);
  useEffect(() => {
    const stop = session.onState(() => setRevision((n) => n + 1));
    // Effects run after the first paint: the socket may have opened in between, unheard.
    setRevision((n) => n + 1);
    return stop;
  }, [session]);
}

/** What to tell the user about a failed call, with the API's own explanation when it gave one. */
export function problemText(err: unknown) {
  if (err instanceof ApiError && err.status === 403) {
    return `Not allowed with this key: ${err.problem?.detail ?? "it lacks a scope"} Ask an admin for a key with that scope (Keys page, or npm run key:create).`;
  }
  if (err instanceof ApiError) {
    const fields = err.problem?.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
    return fields || err.problem?.detail || err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
