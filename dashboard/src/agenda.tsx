import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, Reminder, Task } from "../../client/api";
import { unwrap } from "../../client/api";
import { recurrenceSummary } from "./recurrence";
import { problemText, type Session, useChanges } from "./session";
import { browserZone, dayHeading, startOfToday, timeOfDay } from "./time";

type Agenda = InferResponseType<ApiClient["agenda"]["$get"], 200>;

/** How long the agenda waits after a change for more before it reloads. */
const RELOAD_AFTER_MS = 250;

/** Today, tomorrow and the next 7 days. */
const DAYS = 9;

/** What is overdue, then each local day of the coming week, from GET /agenda; reloaded on every change. */
export function AgendaView(props: { session: Session; onEdit: (id: string) => void }) {
  const { session } = props;
  const [agenda, setAgenda] = useState<Agenda | null>(null);
  const [error, setError] = useState<string | null>(null);
  const revision = useChanges(session);

  useEffect(() => {
    // A burst of changes (a bulk import, a catch-up) reloads the agenda once, not once per change.
    const timer = setTimeout(
      () => {
        const from = startOfToday();
        const to = new Date(Date.parse(from) + DAYS * 86_400_000).toISOString();
        unwrap(session.api.agenda.$get({ query: { from, to, tz: browserZone() } })).then(
          (answer) => {
            setAgenda(answer);
            setError(null);
          },
          (err) => setError(problemText(err)),
        );
      },
      revision === 0 ? 0 : RELOAD_AFTER_MS,
    );
    return () => clearTimeout(timer);
  }, [session, revision]);

  const act = (call: Promise<unknown>) => call.catch((err) => setError(problemText(err)));
  const complete = (task: Task) =>
    act(unwrap(session.api.tasks[":id"].$patch({ param: { id: task.id }, json: { status: "completed" } })));
  const snooze = (reminder: Reminder) =>
    act(unwrap(session.api.reminders[":id"].snooze.$post({ param: { id: reminder.id }, json: { minutes: 60 } })));

  // A task deleted a moment ago (it can still be undone) is hidden here too, with its reminders.
  const shown = (entry: { task: Task }) => !session.deletion.hides(entry.task.id);
  const taskRow = (task: Task, at: string, overdue: boolean) => (
    <li key={task.id} data-id={task.id} class={rowClass(session, task.id, overdue ? "overdue" : "")}>
      <time dateTime={at}>{overdue ? new Date(at).toLocaleDateString() : timeOfDay(at)}</time>
      <button type="button" class="link title" onClick={() => props.onEdit(task.id)}>
        {task.title}
      </button>
      {overdue && <span class="badge overdue-badge">overdue</span>}
      <span class="meta">
        {task.timezone !== browserZone() &&
          task.due_time &&
          `${timeOfDay(task.due_time, task.timezone)} ${task.timezone} `}
        {recurrenceSummary(task.rrule)}
      </span>
      <button type="button" onClick={() => complete(task)}>
        Done
      </button>
    </li>
  );

  return (
    <section aria-labelledby="agenda-heading" id="agenda">
      <h2 id="agenda-heading">Agenda</h2>
      {error && <p role="alert">{error}</p>}
      {!agenda && !error && <p>Loading…</p>}
      {agenda && agenda.overdue.length > 0 && (
        <section aria-labelledby="overdue-heading">
          <h3 id="overdue-heading">Overdue</h3>
          <ul class="rows" id="overdue">
            {agenda.overdue.filter(shown).map((entry) => taskRow(entry.task, entry.at, true))}
          </ul>
        </section>
      )}
      {agenda?.days.map((day) => (
        <section key={day.date} aria-labelledby={`day-${day.date}`} data-date={day.date}>
          <h3 id={`day-${day.date}`}>{dayHeading(day.date)}</h3>
          <ul class="rows">
            {day.entries.filter(shown).map((entry) =>
              entry.kind === "task" ? (
                taskRow(entry.task, entry.at, false)
              ) : (
                <li
                  key={entry.reminder.id}
                  data-id={entry.reminder.id}
                  class={rowClass(session, entry.reminder.id, "reminder")}
                >
                  <time dateTime={entry.at}>{timeOfDay(entry.at)}</time>
                  <span class="title">Reminder: {entry.task.title}</span>
                  <span class={entry.reminder.status === "scheduled" ? "meta" : "meta problem"}>
                    {entry.reminder.channel} · {entry.reminder.status}
                    {entry.reminder.last_error && ` · ${entry.reminder.last_error}`}
                  </span>
                  {entry.reminder.status !== "scheduled" && (
                    <button type="button" onClick={() => snooze(entry.reminder)}>
                      Snooze 1 h
                    </button>
                  )}
                  <button type="button" onClick={() => complete(entry.task)}>
                    Done
                  </button>
                </li>
              ),
            )}
          </ul>
        </section>
      ))}
      {agenda && agenda.overdue.length === 0 && agenda.days.length === 0 && (
        <p>
          Nothing due this week. Press <kbd>n</kbd> to add a task.
        </p>
      )}
    </section>
  );
}

/** A row's classes: its own, plus a brief highlight when another client just changed it. */
export const rowClass = (session: Session, id: string, own = "") =>
  [own, session.isRecent(id) ? "changed" : ""].filter(Boolean).join(" ") || undefined;
