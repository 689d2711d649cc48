import type { RefObject } from "preact";
import type { ApiClient, Task } from "../../client/api";

/** GET /tasks's query parameters, as the typed client takes them. */
type TaskQuery = NonNullable<Parameters<ApiClient["tasks"]["$get"]>[0]>["query"];

/**
 * The filter bar's values, each named as GET /tasks's query parameter it becomes; "" is "any". A
 * new filter is one more key here, one matcher and one field: the bar, the query and the live
 * insertion follow.
 */
export interface Filters {
  q: string;
  status: string;
  source: string;
  /** One label, matched ignoring case, as the API does. */
  label: string;
  /** A project's id, "none", or "" for any. */
  project: string;
  /** A person's id, "none" (unassigned), or "" for anyone. */
  assignee: string;
}

export const NO_FILTERS: Filters = { q: "", status: "", source: "", label: "", project: "", assignee: "" };

/** Filters typed into a text field, which wait for a pause before they search. */
export const TYPED: (keyof Filters)[] = ["q", "label"];

const lower = (s: string) => s.trim().toLowerCase();

/** Whether a task matches one filter's value, as the API would judge it (for tasks created live). */
const MATCHERS: { [K in keyof Filters]: (task: Task, value: string) => boolean } = {
  q: (task, q) => task.title.toLowerCase().includes(lower(q)),
  status: (task, status) => task.status === status,
  source: (task, source) => task.source === source,
  label: (task, label) => task.labels.some((l) => l.toLowerCase() === lower(label)),
  project: (task, project) => (project === "none" ? task.project_id === null : task.project_id === project),
  assignee: (task, person) => (person === "none" ? task.assignee_id === null : task.assignee_id === person),
};

const active = (filters: Filters) =>
  (Object.keys(filters) as (keyof Filters)[]).filter((key) => filters[key].trim() !== "");

export const matches = (task: Task, filters: Filters) =>
  active(filters).every((key) => MATCHERS[key](task, filters[key]));

/** The query parameters of the filters in use. */
export const queryOf = (filters: Filters) =>
  Object.fromEntries(active(filters).map((key) => [key, filters[key].trim()])) as Partial<TaskQuery>;

/** One control of the bar: a text field, or a select whose first choice is "any". */
export interface FilterField {
  key: keyof Filters;
  label: string;
  /** A select's choices besides "any"; a text field has none. */
  choices?: { value: string; text: string }[];
}

const idOf = (key: keyof Filters) => (key === "q" ? "search" : `filter-${key}`);

/** The filter bar: one labelled control per field, `#filter-<key>` (the title search is `#search`). */
export function FilterBar(props: {
  fields: FilterField[];
  filters: Filters;
  onChange: (filters: Filters) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const { filters } = props;
  const set = (key: keyof Filters, value: string) => props.onChange({ ...filters, [key]: value });
  return (
    <form class="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
      {props.fields.map((field) => (
        <label key={field.key} for={idOf(field.key)}>
          {field.label}
          {field.choices ? (
            <select
              id={idOf(field.key)}
              value={filters[field.key]}
              onChange={(e) => set(field.key, e.currentTarget.value)}
            >
              <option value="">any</option>
              {field.choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.text}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={idOf(field.key)}
              type="search"
              ref={field.key === "q" ? props.searchRef : undefined}
              value={filters[field.key]}
              placeholder={field.key === "q" ? "Press / to search" : undefined}
              onInput={(e) => set(field.key, e.currentTarget.value)}
            />
          )}
        </label>
      ))}
    </form>
  );
}
