import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { type ProjectRow, projects, tasks } from "../db/schema";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { after, type Keyset, newestFirst, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, versionMatches } from "./store";

export type NewProject = { name: string; color?: string | null; archived?: boolean };
export type ProjectChanges = Partial<NewProject>;

export interface ProjectFilters {
  archived?: boolean;
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(projects);
const byCreation: Keyset<ProjectRow> = {
  time: projects.created_at,
  id: projects.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

const codeOf = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code;
};

/** A unique-name violation as the 409 it is; anything else goes on up. */
function orNameTaken(err: unknown, name: string | undefined): never {
  if (codeOf(err) === "23505") {
    throw new ConflictError(`A project named '${name}' exists already (names are unique, ignoring case).`);
  }
  throw err;
}

/** A task naming a project that does not exist: 422 on `project_id`. */
export const noSuchProject = (id: string) =>
  new InvalidInputError(`No project with id '${id}'; create the project first.`, [
    { path: "project_id", location: "body", message: "does not name an existing project" },
  ]);

/** Whether `err` is the tasks → projects foreign key refusing a project that does not exist. */
export const isMissingProject = (err: unknown) => {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const cause = e?.cause ?? e;
  return cause?.code === "23503" && cause.constraint === "tasks_project_id_projects_id_fk";
};

/** @throws ConflictError when another project has the name, ignoring case. */
export async function createProject(store: Store, input: NewProject): Promise<ProjectRow> {
  const rows = await store.db
    .insert(projects)
    .values(input)
    .returning({ ...columns, txid: currentTxid })
    .catch((err) => orNameTaken(err, input.name));
  const { txid, ...project } = rows[0]!;
  store.onCommitted(txid);
  return project;
}

/** @throws NotFoundError */
export async function getProject(store: Store, { id }: { id: string }): Promise<ProjectRow> {
  const [row] = await store.db.select().from(projects).where(eq(projects.id, id));
  if (!row) throw new NotFoundError("project", id);
  return row;
}

/** Newest first. @throws InvalidInputError for a cursor this API did not issue. */
export async function listProjects(store: Store, filters: ProjectFilters) {
  const where: (SQL | undefined)[] = [
    filters.archived === undefined ? undefined : eq(projects.archived, filters.archived),
    after(byCreation, filters.cursor),
  ];
  const rows = await store.db
    .select()
    .from(projects)
    .where(and(...where))
    .orderBy(...newestFirst(byCreation))
    .limit(filters.limit + 1);
  return page(byCreation, rows, filters.limit);
}

/** @throws NotFoundError; PreconditionFailedError (stale If-Match); ConflictError (the name is taken). */
export async function updateProject(
  store: Store,
  { id, changes, expectedVersion }: { id: string; changes: ProjectChanges; expectedVersion?: number },
): Promise<ProjectRow> {
  const rows = await store.db
    .update(projects)
    .set({ ...changes, updated_at: sql`now()`, version: sql`${projects.version} + 1` })
    .where(and(eq(projects.id, id), versionMatches(projects.version, expectedVersion)))
    .returning({ ...columns, txid: currentTxid })
    .catch((err) => orNameTaken(err, changes.name));
  const row = rows[0];
  if (!row) throw await missingOrStale(store, { table: projects, entity: "project", id, expectedVersion });
  const { txid, ...project } = row;
  store.onCommitted(txid);
  return project;
}

/**
 * Deletes a project. Its tasks move first, in the same statement, to `moveTasksTo` (another
 * project, or "none"); without it a project that still holds tasks is refused, so no task loses
 * its project by accident.
 * @throws NotFoundError (the project, or the one to move to); ConflictError (it holds tasks and no
 * destination was given); PreconditionFailedError (stale If-Match).
 */
export async function deleteProject(
  store: Store,
  { id, moveTasksTo, expectedVersion }: { id: string; moveTasksTo?: string; expectedVersion?: number },
) {
  if (moveTasksTo === id) {
    throw new InvalidInputError("A project's tasks cannot move to the project being deleted.", [
      { path: "move_tasks_to", location: "query", message: "names the project being deleted" },
    ]);
  }
  if (moveTasksTo && moveTasksTo !== "none") await getProject(store, { id: moveTasksTo });
  const target = moveTasksTo === "none" ? null : (moveTasksTo ?? undefined);
  const moved =
    target === undefined
      ? sql`select 0`
      : sql`update ${tasks} set project_id = ${target}::uuid, updated_at = now(), version = version + 1
          where project_id in (select id from gone) returning id`;
  // The tasks move only with the deletion: a stale If-Match deletes nothing and so moves nothing.
  const { rows } = await store.db
    .execute<{ deleted: boolean; txid: string }>(sql`
      with gone as (
        delete from ${projects} where id = ${id}::uuid ${expectedVersion === undefined ? sql`` : sql`and version = ${expectedVersion}`}
        returning id
      ),
      moved as (${moved})
      select exists (select 1 from gone) as deleted, pg_current_xact_id()::text as txid`)
    .catch((err) => {
      if (codeOf(err) === "23503") {
        throw new ConflictError(
          `The project '${id}' still holds tasks; pass ?move_tasks_to=<project id> or ?move_tasks_to=none to say where they go.`,
        );
      }
      throw err;
    });
  if (!rows[0]?.deleted) throw await missingOrStale(store, { table: projects, entity: "project", id, expectedVersion });
  store.onCommitted(rows[0].txid);
}
