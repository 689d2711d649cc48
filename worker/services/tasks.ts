import { and, arrayContains, eq, getTableColumns, gte, ilike, isNull, lt, type SQL, sql } from "drizzle-orm";
import { preparedOnce } from "../db/prepared";
import { attachmentKey, attachments, type TaskRow, tasks } from "../db/schema";
import { discardObjects } from "./attachments";
import { NotFoundError } from "./errors";
import { labelColumns, labelKey } from "./labels";
import { after, type Keyset, newestFirst, page } from "./pagination";
import { isPersonReference, noSuchPerson } from "./people";
import { isMissingProject, noSuchProject } from "./projects";
import { currentTxid, missingOrStale, type Store, versionMatches } from "./store";
import { planSchedule, type ScheduleInput } from "./task-schedule";

type Writable = "title" | "description" | "status" | "source" | "labels" | "project_id" | "assignee_id";
export type NewTask = Pick<typeof tasks.$inferInsert, Writable> & ScheduleInput;
export type TaskChanges = Partial<Pick<TaskRow, Writable>> & ScheduleInput;

export interface TaskFilters {
  status?: TaskRow["status"];
  source?: TaskRow["source"];
  /** Only tasks of this project, or "none" for those without one. */
  project?: string;
  /** Only tasks assigned to this person, or "none" for unassigned ones. */
  assignee?: string;
  /** Only tasks with every one of these labels (case-insensitive). */
  label?: string[];
  due_before?: Date;
  due_after?: Date;
  /** Only tasks whose title contains this text, ignoring case. */
  q?: string;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(tasks);
const byCreation: Keyset<TaskRow> = {
  time: tasks.created_at,
  id: tasks.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

/** Creates a task. @throws InvalidInputError when its schedule cannot be (a rule without a due, …). */
export async function createTask(store: Store, input: NewTask): Promise<TaskRow> {
  const { due_time, due_date, timezone, rrule, labels, ...fields } = input;
  const schedule = planSchedule(undefined, { due_time, due_date, timezone, rrule }, store.time);
  const [row] = await store.db
    .insert(tasks)
    .values({ ...fields, ...schedule, ...(labels && labelColumns(labels)) })
    .returning({ ...columns, txid: currentTxid })
    .catch((err) => {
      throw unknownReference(err, fields);
    });
  const { txid, ...task } = row!;
  store.onCommitted(txid);
  return task;
}

/** A write naming a project or person that does not exist, as the 422 naming its field; any other error as it is. */
export const unknownReference = (err: unknown, input: { project_id?: string | null; assignee_id?: string | null }) =>
  isMissingProject(err)
    ? noSuchProject(String(input.project_id))
    : isPersonReference(err)
      ? noSuchPerson(String(input.assignee_id))
      : err;

/** @throws NotFoundError */
/** The most frequent read of all (agents fetch a task before acting on it), so built once per isolate. */
const taskById = preparedOnce((db) =>
  db
    .select()
    .from(tasks)
    .where(eq(tasks.id, sql.placeholder("id")))
    .prepare(""),
);

export async function getTask(store: Store, { id }: { id: string }): Promise<TaskRow> {
  const [row] = await taskById(store.db, { id });
  if (!row) throw new NotFoundError("task", id);
  return row;
}

/**
 * Newest first; `due_after` is inclusive and `due_before` exclusive, so adjacent windows never overlap.
 * @throws InvalidInputError for a cursor this API did not issue.
 */
export async function listTasks(store: Store, filters: TaskFilters) {
  const where: (SQL | undefined)[] = [
    filters.status && eq(tasks.status, filters.status),
    filters.source && eq(tasks.source, filters.source),
    filters.project === "none"
      ? isNull(tasks.project_id)
      : filters.project
        ? eq(tasks.project_id, filters.project)
        : undefined,
    filters.assignee === "none"
      ? isNull(tasks.assignee_id)
      : filters.assignee
        ? eq(tasks.assignee_id, filters.assignee)
        : undefined,
    filters.label?.length ? arrayContains(tasks.label_keys, filters.label.map(labelKey)) : undefined,
    filters.due_after && gte(tasks.due_time, filters.due_after),
    filters.due_before && lt(tasks.due_time, filters.due_before),
    filters.q ? ilike(tasks.title, `%${escapeLike(filters.q)}%`) : undefined,
    after(byCreation, filters.cursor),
  ];
  const rows = await store.db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(...newestFirst(byCreation))
    .limit(filters.limit + 1);
  return page(byCreation, rows, filters.limit);
}

/** The text as itself in a LIKE pattern: its `%`, `_` and `\\` match only themselves. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Deletes the task; its reminders and attachment rows go with it (ON DELETE CASCADE), and the change
 * log records each. The attachments' objects are deleted from R2 once the rows are gone.
 * @throws NotFoundError, or PreconditionFailedError when `expectedVersion` (If-Match) is stale.
 */
export async function deleteTask(store: Store, { id, expectedVersion }: { id: string; expectedVersion?: number }) {
  const [row] = await store.db
    .delete(tasks)
    .where(and(eq(tasks.id, id), versionMatches(tasks.version, expectedVersion)))
    .returning({
      txid: currentTxid,
      // RETURNING still sees the attachments that the cascade removes after the statement.
      attachment_ids: sql<
        string[]
      >`(select coalesce(array_agg(${attachments.id}::text), '{}') from ${attachments} where ${attachments.task_id} = ${id}::uuid)`,
    });
  if (!row) throw await missingOrStale(store, { table: tasks, entity: "task", id, expectedVersion });
  store.onCommitted(row.txid);
  await discardObjects(store, {
    keys: row.attachment_ids.map((attachment) => attachmentKey({ task_id: id, id: attachment })),
  });
}
