import type { RefObject } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Task, unwrap } from "../../client/api";
import type { Change } from "../../party/protocol";
import { rowClass } from "./agenda";
import { ConfirmButton } from "./confirm-button";
import { recurrenceSummary } from "./recurrence";
import { problemText, type Session } from "./session";
import { dueText } from "./time";

const PAGE = "20";
const STATUSES = ["pending", "completed", "cancelled"] as const;
const SOURCES = ["ui", "telegram", "whatsapp", "system"] as const;

interface Filters {
  status: "" | (typeof STATUSES)[number];
  source: "" | (typeof SOURCES)[number];
  q: string;
  /** One label, matched ignoring case, as the API does. */
  label: string;
  /** A project's id, "none", or "" for any. */
  project: string;
}

const NO_FILTERS: Filters = { status: "", source: "", q: "", label: "", project: "" };

const matches = (task: Task, f: Filters) =>
  (!f.status || task.status === f.status) &&
  (!f.source || task.source === f.source) &&
  (!f.q || task.title.toLowerCase().includes(f.q.trim().toLowerCase())) &&
  (!f.label.trim() || task.labels.some((l) => l.toLowerCase() === f.label.trim().toLowerCase())) &&
  (!f.project || (f.project === "none" ? task.project_id === null : task.project_id === f.project));

/**
 * Tasks page by page from GET /tasks (filters and title search run in the API), kept current by the
 * room: a changed task is replaced in place, a deleted one removed, a new one that matches added on top.
 */
export function TasksView(props: {
  session: Session;
  onEdit: (id: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const { session } = props;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const [query, setQuery] = useState(filters);
  const [items, setItems] = useState<Task[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setTick] = useState(0);

  // Typing waits for a pause before it searches.
  useEffect(() => {
    const typing = filters.q !== query.q || filters.label !== query.label;
    const timer = setTimeout(() => setQuery(filters), typing ? 250 : 0);
    return () => clearTimeout(timer);
  }, [filters]);

  const load = async (cursor?: string) => {
    const answer = await unwrap(
      session.api.tasks.$get({
        query: {
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.source ? { source: query.source } : {}),
          ...(query.q.trim() ? { q: query.q.trim() } : {}),
          ...(query.label.trim() ? { label: query.label.trim() } : {}),
          ...(query.project ? { project: query.project } : {}),
        },
      }),
    );
    setItems((old) => (cursor ? [...old, ...answer.items] : answer.items));
    setNext(answer.next_cursor);
    setError(null);
  };

  useEffect(() => {
    load().catch((err) => setError(problemText(err)));
  }, [session, query]);

  // The project filter's choices: the active projects (a task keeps an archived one's id).
  useEffect(() => {
    unwrap(session.api.projects.$get({ query: { archived: "false", limit: "200" } }))
      .then((page) => setProjects(page.items))
      .catch((err) => setError(problemText(err)));
  }, [session]);

  useEffect(
    () =>
      session.onChange((change?: Change) => {
        setTick((n) => n + 1);
        if (change?.entity !== "task") return;
        const task = change.data as Task;
        setItems((old) => {
          if (change.op === "deleted") return old.filter((t) => t.id !== change.id);
          if (old.some((t) => t.id === change.id)) return old.map((t) => (t.id === change.id ? task : t));
          return change.op === "created" && matches(task, query) ? [task, ...old] : old;
        });
      }),
    [session, query],
  );

  const act = (call: Promise<unknown>) => call.catch((err) => setError(problemText(err)));
  const setStatus = (task: Task, done: boolean) =>
    act(
      unwrap(
        session.api.tasks[":id"].$patch({ param: { id: task.id }, json: { status: done ? "completed" : "pending" } }),
      ),
    );
  const remove = (task: Task) => act(unwrap(session.api.tasks[":id"].$delete({ param: { id: task.id } })));

  return (
    <section aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Tasks</h2>
      <form class="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search titles
          <input
            id="search"
            type="search"
            ref={props.searchRef}
            value={filters.q}
            placeholder="Press / to search"
            onInput={(e) => setFilters({ ...filters, q: e.currentTarget.value })}
          />
        </label>
        <label>
          Status
          <select
            id="filter-status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value as Filters["status"] })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Source
          <select
            id="filter-source"
            value={filters.source}
            onChange={(e) => setFilters({ ...filters, source: e.currentTarget.value as Filters["source"] })}
          >
            <option value="">any</option>
            {SOURCES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Label
          <input
            id="filter-label"
            type="search"
            value={filters.label}
            onInput={(e) => setFilters({ ...filters, label: e.currentTarget.value })}
          />
        </label>
        <label>
          Project
          <select
            id="filter-project"
            value={filters.project}
            onChange={(e) => setFilters({ ...filters, project: e.currentTarget.value })}
          >
            <option value="">any</option>
            <option value="none">none</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      <ul id="tasks" class="rows">
        {items.map((task) => (
          <li key={task.id} data-id={task.id} data-status={task.status} class={rowClass(session, task.id)}>
            <input
              type="checkbox"
              checked={task.status === "completed"}
              aria-label={`Completed: ${task.title}`}
              onChange={(e) => setStatus(task, e.currentTarget.checked)}
            />
            <button type="button" class="link title" onClick={() => props.onEdit(task.id)}>
              {task.title}
            </button>
            <span class="meta">
              {[task.status, dueText(task), recurrenceSummary(task.rrule), task.source].filter(Boolean).join(" · ")}
            </span>
            {task.labels.length > 0 && (
              <span class="labels">
                {task.labels.map((l) => (
                  <span key={l} class="label">
                    {l}
                  </span>
                ))}
              </span>
            )}
            <ConfirmButton label="Delete" question={`Delete “${task.title}”?`} onConfirm={() => remove(task)} />
          </li>
        ))}
      </ul>
      {items.length === 0 && !error && <p>No tasks match.</p>}
      {next && (
        <button type="button" id="more" onClick={() => act(load(next))}>
          Load more
        </button>
      )}
    </section>
  );
}
