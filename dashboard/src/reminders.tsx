import { useState } from "preact/hooks";
import { type Reminder, type Task, unwrap } from "../../client/api";
import { ConfirmButton } from "./confirm-button";
import { problemText, type Session, useChanges } from "./session";
import { browserZone, dateTime, instantOf, inWords } from "./time";

const CHANNELS = ["ui", "telegram", "whatsapp", "webhook"] as const;
const BEFORE = [0, 5, 10, 15, 30, 60, 120, 1440];

const beforeText = (minutes: number) =>
  minutes === 0
    ? "at the due"
    : minutes < 60
      ? `${minutes} min before`
      : minutes < 1440
        ? `${minutes / 60} h before`
        : "1 day before";

/** Where a reminder stands, in words: status, delivery, attempts, the last error, the next attempt. */
function standing(r: Reminder) {
  const parts: string[] = [r.status];
  if (r.delivery_state) parts.push(r.delivery_state);
  if (r.attempts > 0) parts.push(`${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`);
  if (r.status === "scheduled") parts.push(`next attempt ${inWords(r.next_attempt_at)}`);
  return parts.join(" · ");
}

/** Still waiting for its time: it can be moved; only one that has fired can be snoozed (else 409). */
const waiting = (r: Reminder) => r.status === "scheduled" && Date.parse(r.remind_at) > Date.now();

/** "Move": a time on the browser's wall clock for a reminder that has not fired yet. */
function MoveReminder(props: { onMove: (wall: string) => void }) {
  const [open, setOpen] = useState(false);
  const [wall, setWall] = useState("");
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Move
      </button>
    );
  }
  return (
    <span class="confirm">
      <label class="inline">
        Move to
        <input type="datetime-local" class="move-to" value={wall} onInput={(e) => setWall(e.currentTarget.value)} />
      </label>
      <button
        type="button"
        disabled={!wall}
        onClick={() => {
          setOpen(false);
          props.onMove(wall);
        }}
      >
        Save
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A task's reminders, live from the sync client: add (relative or absolute), snooze, delete. */
export function TaskReminders(props: { session: Session; task: Task }) {
  const { session, task } = props;
  useChanges(session);
  const [kind, setKind] = useState<"relative" | "absolute">(task.due_time ? "relative" : "absolute");
  const [before, setBefore] = useState(30);
  const [at, setAt] = useState("");
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>("ui");
  const [recipient, setRecipient] = useState("");
  const [error, setError] = useState<string | null>(null);
  const reminders = [...session.client.reminders.values()]
    .filter((r) => r.task_id === task.id)
    .sort((a, b) => a.remind_at.localeCompare(b.remind_at));

  const act = (call: Promise<unknown>) =>
    call.then(
      () => setError(null),
      (err) => setError(problemText(err)),
    );
  const add = () =>
    act(
      unwrap(
        session.api.reminders.$post({
          json: {
            task_id: task.id,
            channel,
            ...(recipient.trim() ? { recipient: recipient.trim() } : {}),
            ...(kind === "relative" ? { offset_minutes: -before } : { remind_at: instantOf(at, browserZone()) }),
          },
        }),
      ),
    );

  return (
    <section aria-labelledby="reminders-heading">
      <h3 id="reminders-heading">Reminders</h3>
      <ul id="task-reminders" class="rows">
        {reminders.map((r) => (
          <li key={r.id} data-id={r.id} data-status={r.status}>
            <span class="title">
              {dateTime(r.remind_at)}
              {r.offset_minutes !== null && ` (${beforeText(-r.offset_minutes)})`}
            </span>
            <span class="meta">
              {r.channel}
              {r.recipient && ` → ${r.recipient}`} · {standing(r)}
            </span>
            {r.last_error && <span class="meta problem">{r.last_error}</span>}
            {waiting(r) ? (
              <MoveReminder
                onMove={(wall) =>
                  act(
                    unwrap(
                      session.api.reminders[":id"].$patch({
                        param: { id: r.id },
                        json: { remind_at: instantOf(wall, browserZone()) },
                      }),
                    ),
                  )
                }
              />
            ) : (
              <button
                type="button"
                onClick={() =>
                  act(unwrap(session.api.reminders[":id"].snooze.$post({ param: { id: r.id }, json: { minutes: 10 } })))
                }
              >
                Snooze 10 min
              </button>
            )}
            <ConfirmButton
              label="Delete"
              question="Delete this reminder?"
              onConfirm={() => act(unwrap(session.api.reminders[":id"].$delete({ param: { id: r.id } })))}
            />
          </li>
        ))}
      </ul>
      <form
        id="add-reminder"
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label>
          When
          <select id="reminder-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            <option value="relative" disabled={!task.due_time}>
              before the due
            </option>
            <option value="absolute">at a time</option>
          </select>
        </label>
        {kind === "relative" ? (
          <label>
            How long before
            <select id="reminder-before" value={before} onChange={(e) => setBefore(Number(e.currentTarget.value))}>
              {BEFORE.map((m) => (
                <option key={m} value={m}>
                  {beforeText(m)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            At
            <input
              id="reminder-at"
              type="datetime-local"
              required
              value={at}
              onInput={(e) => setAt(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Channel
          <select
            id="reminder-channel"
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as typeof channel)}
          >
            {CHANNELS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Recipient
          <input
            id="reminder-recipient"
            value={recipient}
            placeholder="chat id or number"
            onInput={(e) => setRecipient(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Add reminder</button>
      </form>
      {error && (
        <p role="alert" class="problem">
          {error}
        </p>
      )}
    </section>
  );
}
