import type { Session } from "./session";

/** "Task deleted — Undo" while a deletion waits, and why one did not happen; announced politely. */
export function UndoToast(props: { session: Session }) {
  const { deletion } = props.session;
  return (
    <div id="undo" class="toast" role="status">
      {deletion.pending && (
        <p>
          <span>Task deleted: “{deletion.pending.title}”</span>{" "}
          <button type="button" onClick={() => deletion.undo()}>
            Undo
          </button>
        </p>
      )}
      {deletion.problem && (
        <p class="problem">
          <span>{deletion.problem}</span>{" "}
          <button type="button" aria-label="Dismiss" onClick={() => deletion.dismiss()}>
            ×
          </button>
        </p>
      )}
    </div>
  );
}
