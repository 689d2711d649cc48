import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, type Task, unwrap } from "../../client/api";
import { usePeople } from "./people";
import { PRESETS, type Preset, presetOf, recurrenceSummary } from "./recurrence";
import { TaskReminders } from "./reminders";
import { problemText, type Session } from "./session";
import { browserZone, dateTime, instantOf, wallClock } from "./time";

type DueKind = "none" | "time" | "date";

interface Draft {
  title: string;
  description: string;
  due: DueKind;
  dueLocal: string;
  dueDate: string;
  timezone: string;
  preset: Preset;
  rule: string;
  /** Labels as typed, separated by commas. */
  labels: string;
  /** A project's id, or "" for none. */
  project: string;
  /** A person's id, or "" for nobody. */
  assignee: string;
}

const emptyDraft = (): Draft => ({
  title: "",
  description: "",
  due: "none",
  dueLocal: "",
  dueDate: "",
  timezone: browserZone(),
  preset: "none",
  rule: "",
  labels: "",
  project: "",
  assignee: "",
});

/** The labels a comma-separated text names, each trimmed, each spelling once ignoring case (as the API keeps them). */
export function labelsOf(text: string) {
  const seen = new Set<string>();
  return text
    .split(",")
    .map((l) => l.trim())
    .filter((l) => l && !seen.has(l.toLowerCase()) && seen.add(l.toLowerCase()));
}

function draftOf(task: Task): Draft {
  const due: DueKind = task.due_date ? "date" : task.due_time ? "time" : "none";
  return {
    title: task.title,
    description: task.description ?? "",
    due,
    dueLocal: task.due_time ? wallClock(task.due_time, task.timezone) : "",
    dueDate: task.due_date ?? "",
    timezone: task.timezone,
    preset: presetOf(task.rrule),
    rule: task.rrule ?? "",
    labels: task.labels.join(", "),
    project: task.project_id ?? "",
    assignee: task.assignee_id ?? "",
  };
}

/** The fields a draft sets; on an edit, null clears what the draft no longer has. */
function fieldsOf(d: Draft, before: Task | null) {
  const rrule = d.preset === "custom" ? d.rule.trim() : PRESETS[d.preset];
  const due =
    d.due === "time"
      ? { due_time: instantOf(d.dueLocal, d.timezone) }
      : d.due === "date"
        ? { due_date: d.dueDate }
        : before?.due_date
          ? { due_date: null }
          : before?.due_time
            ? { due_time: null }
            : {};
  const labels = labelsOf(d.labels);
  return {
    title: d.title.trim(),
    description: d.description.trim() || null,
    timezone: d.timezone,
    ...due,
    ...(rrule ? { rrule } : before?.rrule ? { rrule: null } : {}),
    ...(labels.length || before?.labels.length ? { labels } : {}),
    ...(d.project ? { project_id: d.project } : before?.project_id ? { project_id: null } : {}),
    ...(d.assignee ? { assignee_id: d.assignee } : before?.assignee_id ? { assignee_id: null } : {}),
  };
}

/** Create or edit a task in a modal dialog; edits send If-Match, and a 412 offers reload or overwrite. */
export function TaskEditor(props: { session: Session; taskId: string | null; onClose: () => void }) {
  const { session } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [task, setTask] = useState<Task | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const zones = useMemo(() => Intl.supportedValuesOf("timeZone"), []);
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const people = usePeople(session, setError);

  // The active projects to choose from (a task in an archived one keeps it: see the select below).
  useEffect(() => {
    unwrap(session.api.projects.$get({ query: { archived: "false", limit: "200" } }))
      .then((page) => setProjects(page.items))
      .catch((err) => setError(problemText(err)));
  }, [session]);

  const reload = async (id: string) => {
    const current = await unwrap(session.api.tasks[":id"].$get({ param: { id } }));
    setTask(current);
    setDraft(draftOf(current));
    setConflict(false);
    setError(null);
  };

  useEffect(() => {
    dialog.current?.showModal();
    if (props.taskId) reload(props.taskId).catch((err) => setError(problemText(err)));
  }, [props.taskId]);

  // Until an edited task has loaded, saving would create a new one instead.
  const loading = Boolean(props.taskId) && !task;
  const save = async (overwrite = false) => {
    if (loading) return;
    setError(null);
    try {
      const json = fieldsOf(draft, task);
      if (task) {
        const ifMatch = overwrite ? "*" : `"${task.version}"`;
        await unwrap(
          session.api.tasks[":id"].$patch({ param: { id: task.id }, json }, { headers: { "if-match": ifMatch } }),
        );
      } else {
        const { description, ...rest } = json;
        await unwrap(
          session.api.tasks.$post({ json: { ...rest, ...(description ? { description } : {}), source: "ui" } }),
        );
      }
      props.onClose();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setConflict(true);
      else setError(problemText(err));
    }
  };

  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const summary = recurrenceSummary(
    draft.preset === "custom" ? draft.rule : PRESETS[draft.preset] || null,
    draft.due === "time" ? draft.dueLocal.slice(11, 16) : undefined,
  );
  return (
    <dialog ref={dialog} id="editor" aria-labelledby="editor-heading" onClose={props.onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id="editor-heading">{props.taskId ? "Edit task" : "New task"}</h2>
        {loading && !error && <p class="meta">Loading…</p>}
        <label>
          Title
          <input
            id="edit-title"
            required
            maxLength={500}
            value={draft.title}
            onInput={(e) => set({ title: e.currentTarget.value })}
          />
        </label>
        <label>
          Description
          <textarea
            id="edit-description"
            rows={3}
            value={draft.description}
            onInput={(e) => set({ description: e.currentTarget.value })}
          />
        </label>
        <fieldset>
          <legend>Due</legend>
          {(["none", "time", "date"] as const).map((kind) => (
            <label class="inline" key={kind}>
              <input
                type="radio"
                name="due"
                value={kind}
                checked={draft.due === kind}
                onChange={() => set({ due: kind })}
              />{" "}
              {kind === "none" ? "No due" : kind === "time" ? "At a time" : "All day"}
            </label>
          ))}
          {draft.due === "time" && (
            <label>
              Due at
              <input
                id="edit-due"
                type="datetime-local"
                required
                value={draft.dueLocal}
                onInput={(e) => set({ dueLocal: e.currentTarget.value })}
              />
            </label>
          )}
          {draft.due === "date" && (
            <label>
              Due on
              <input
                id="edit-date"
                type="date"
                required
                value={draft.dueDate}
                onInput={(e) => set({ dueDate: e.currentTarget.value })}
              />
            </label>
          )}
          <label>
            Time zone
            <input
              id="edit-zone"
              list="zones"
              value={draft.timezone}
              onInput={(e) => set({ timezone: e.currentTarget.value })}
            />
          </label>
          <datalist id="zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </fieldset>
        <label>
          Labels
          <input
            id="edit-labels"
            value={draft.labels}
            placeholder="home, errands"
            aria-describedby="edit-labels-hint"
            onInput={(e) => set({ labels: e.currentTarget.value })}
          />
        </label>
        <p class="meta" id="edit-labels-hint">
          Separate labels with commas.
        </p>
        {labelsOf(draft.labels).length > 0 && (
          <ul class="labels chips" aria-label="Labels">
            {labelsOf(draft.labels).map((l) => (
              <li key={l} class="label">
                {l}{" "}
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove label ${l}`}
                  onClick={() =>
                    set({
                      labels: labelsOf(draft.labels)
                        .filter((x) => x !== l)
                        .join(", "),
                    })
                  }
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <label>
          Project
          <select id="edit-project" value={draft.project} onChange={(e) => set({ project: e.currentTarget.value })}>
            <option value="">none</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {task?.project_id && task.project_id === draft.project && !projects.some((p) => p.id === draft.project) && (
              <option value={task.project_id}>(an archived project)</option>
            )}
          </select>
        </label>
        <label>
          Assignee
          <select id="edit-assignee" value={draft.assignee} onChange={(e) => set({ assignee: e.currentTarget.value })}>
            <option value="">nobody</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Repeats
          <select
            id="edit-repeat"
            value={draft.preset}
            onChange={(e) => set({ preset: e.currentTarget.value as Preset })}
          >
            <option value="none">never</option>
            <option value="daily">daily</option>
            <option value="weekdays">on weekdays</option>
            <option value="weekly">weekly</option>
            <option value="monthly">monthly</option>
            <option value="custom">custom rule (RRULE)</option>
          </select>
        </label>
        {draft.preset === "custom" && (
          <label>
            RRULE
            <input
              id="edit-rule"
              value={draft.rule}
              placeholder="FREQ=WEEKLY;BYDAY=MO,WE"
              onInput={(e) => set({ rule: e.currentTarget.value })}
            />
          </label>
        )}
        {summary && (
          <p class="meta" id="edit-summary">
            {summary}
          </p>
        )}
        {error && (
          <p role="alert" class="problem">
            {error}
          </p>
        )}
        {conflict && (
          <div role="alert" class="problem" id="conflict">
            <p>This task was changed elsewhere: reload or overwrite.</p>
            <button type="button" onClick={() => task && reload(task.id).catch((err) => setError(problemText(err)))}>
              Reload
            </button>
            <button type="button" class="danger" onClick={() => void save(true)}>
              Overwrite
            </button>
          </div>
        )}
        <div class="actions">
          <button type="submit" disabled={loading}>
            Save
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
      {task && <TaskReminders session={session} task={task} />}
      {task && <Completions session={session} task={task} />}
    </dialog>
  );
}

function Completions(props: { session: Session; task: Task }) {
  const [items, setItems] = useState<{ id: string; completed_at: string; occurrence: number | null }[]>([]);
  useEffect(() => {
    unwrap(props.session.api.tasks[":id"].completions.$get({ param: { id: props.task.id }, query: {} })).then(
      (page) => setItems(page.items),
      () => setItems([]),
    );
  }, [props.task.id, props.task.version]);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="completions-heading">
      <h3 id="completions-heading">Completed</h3>
      <ul id="completions">
        {items.map((c) => (
          <li key={c.id}>
            {dateTime(c.completed_at)}
            {c.occurrence ? ` (occurrence ${c.occurrence})` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}
