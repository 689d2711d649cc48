import { type ApiClient, ApiError, type Task, unwrap } from "../../client/api";

/** How long a deleted task can be brought back before its DELETE is sent. */
export const UNDO_MS = 8000;

/**
 * Deleting a task with a window to undo it. The DELETE waits until the window has passed, rather
 * than being sent at once and undone by re-creating the task: a re-created task would have a new
 * id (agents and chat buttons holding the old one would break), would lose its reminders and
 * completions, and every other client and webhook would see a deletion and a creation that never
 * really happened. Waiting, the task simply stays on the server (and on other clients' screens)
 * for the few seconds it can still be undone, then goes once. The DELETE sends `If-Match` with the
 * version the user deleted, so a task changed elsewhere meanwhile is not deleted unseen; and a tab
 * closed during the window still sends it (`keepalive`), as the user asked.
 */
export class UndoableDelete {
  /** The task whose deletion can still be undone (one at a time: a second deletion sends the first). */
  pending: Task | null = null;
  /** Why the last deletion did not happen, for the user. */
  problem: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: () => ApiClient,
    private readonly changed: () => void,
  ) {}

  /** Hides `task` now and deletes it once the undo window has passed. */
  start(task: Task) {
    this.flush();
    this.pending = task;
    this.problem = null;
    this.#timer = setTimeout(() => this.flush(), UNDO_MS);
    this.changed();
  }

  /** Brings the pending task back; nothing was sent. */
  undo() {
    clearTimeout(this.#timer);
    this.pending = null;
    this.changed();
  }

  dismiss() {
    this.problem = null;
    this.changed();
  }

  /** Whether `id` is hidden, waiting to be deleted. */
  hides(id: string) {
    return this.pending?.id === id;
  }

  /** Sends the pending deletion now (the window passed, another deletion began, or the page is going away). */
  flush() {
    clearTimeout(this.#timer);
    const task = this.pending;
    if (!task) return;
    this.pending = null;
    this.changed();
    unwrap(
      this.api().tasks[":id"].$delete(
        { param: { id: task.id } },
        { headers: { "if-match": `"${task.version}"` }, init: { keepalive: true } },
      ),
    ).catch((err) => {
      this.problem =
        err instanceof ApiError && err.status === 412
          ? `“${task.title}” was changed elsewhere, so it was not deleted.`
          : err instanceof ApiError && err.status === 404
            ? null
            : `“${task.title}” was not deleted: ${err instanceof Error ? err.message : String(err)}`;
      this.changed();
    });
  }
}
