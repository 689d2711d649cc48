import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Task, unwrap } from "../../client/api";
import type { Change } from "../../party/protocol";
import { rowClass } from "./agenda";
import { usePeople } from "./people";
import { recurrenceSummary } from "./recurrence";
import { problemText, type Session } from "./session";
import { FilterBar, type Filters, matches, NO_FILTERS, queryOf, TYPED } from "./task-filters";
import { dueText } from "./time";

const PAGE = "20";
const STATUSES = ["pending", "completed", "cancelled"];
const SOURCES = ["ui", "telegram", "whatsapp", "system"];
const choices = (values: string[]) => values.map((value) => ({ value, text: value }));

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
  const people = usePeople(session, setError);
  const [, setTick] = useState(0);
  // Tasks the room added since the first page was last asked for: its answer may predate them.
  const arrived = useRef(new Set<string>());

  // Typing waits for a pause before it searches.
  useEffect(() => {
    const typing = TYPED.some((key) => filters[key] !== query[key]);
    const timer = setTimeout(() => setQuery(filters), typing ? 250 : 0);
    return () => clearTimeout(timer);
  }, [filters]);

  const load = async (cursor?: string) => {
    if (!cursor) arrived.current = new Set();
    const answer = await unwrap(
      session.api.tasks.$get({
        query: {
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
          ...queryOf(query),
        },
      }),
    );
    setItems((old) => {
      if (cursor) return [...old, ...answer.items];
      const listed = new Set(answer.items.map((t) => t.id));
      // The room may have moved a listed task on while the page was on its way; the live copy wins.
      const page = answer.items.map((t) => {
        const live = session.client.tasks.get(t.id);
        return live && live.version > t.version ? live : t;
      });
      return [...old.filter((t) => arrived.current.has(t.id) && !listed.has(t.id)), ...page];
    });
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
          if (change.op !== "created" || !matches(task, query)) return old;
          arrived.current.add(task.id);
          return [task, ...old];
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

  // A task deleted a moment ago stays in the list, hidden, so Undo brings it back where it was.
  const shown = items.filter((t) => !session.deletion.hides(t.id));
  return (
    <section aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Tasks</h2>
      <FilterBar
        fields={[
          { key: "q", label: "Search titles" },
          { key: "status", label: "Status", choices: choices(STATUSES) },
          { key: "source", label: "Source", choices: choices(SOURCES) },
          { key: "label", label: "Label" },
          {
            key: "project",
            label: "Project",
            choices: [{ value: "none", text: "none" }, ...projects.map((p) => ({ value: p.id, text: p.name }))],
          },
          {
            key: "assignee",
            label: "Assignee",
            choices: [{ value: "none", text: "nobody" }, ...people.map((p) => ({ value: p.id, text: p.name }))],
          },
        ]}
        filters={filters}
        onChange={setFilters}
        searchRef={props.searchRef}
      />
      {error && <p role="alert">{error}</p>}
      <ul id="tasks" class="rows">
        {shown.map((task) => (
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
            <button type="button" class="danger" onClick={() => session.deletion.start(task)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && !error && <p>No tasks match.</p>}
      {next && (
        <button type="button" id="more" onClick={() => act(load(next))}>
          Load more
        </button>
      )}
    </section>
  );
}
