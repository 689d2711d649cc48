import { useState } from "preact/hooks";
import { unwrap } from "../../client/api";
import { type Notice, problemText, type Session } from "./session";

/** The room's reminder notices, announced politely, each with what can be done about it. */
export function Notices(props: { session: Session }) {
  const { session } = props;
  const [error, setError] = useState<string | null>(null);
  const act = (notice: Notice, call: () => Promise<unknown>) =>
    call().then(
      () => {
        setError(null);
        session.dismiss(notice.id);
      },
      (err) => setError(problemText(err)),
    );
  return (
    <section aria-label="Notices">
      <ul id="notices" aria-live="polite">
        {session.notices.map((notice) => (
          <li key={notice.id} class={notice.kind === "due" ? "notice" : "notice problem"}>
            <span>{notice.text}</span>
            <button
              type="button"
              onClick={() =>
                act(notice, () =>
                  unwrap(
                    session.api.reminders[":id"].snooze.$post({
                      param: { id: notice.reminderId },
                      json: { minutes: 10 },
                    }),
                  ),
                )
              }
            >
              Snooze 10 min
            </button>
            <button
              type="button"
              onClick={() =>
                act(notice, () =>
                  unwrap(
                    session.api.tasks[":id"].$patch({ param: { id: notice.taskId }, json: { status: "completed" } }),
                  ),
                )
              }
            >
              Done
            </button>
            <button type="button" aria-label="Dismiss" onClick={() => session.dismiss(notice.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" class="problem">
          {error}
        </p>
      )}
    </section>
  );
}
