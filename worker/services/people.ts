import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { type PersonRow, people, tasks } from "../db/schema";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { after, type Keyset, newestFirst, page } from "./pagination";
import { currentTxid, missingOrStale, type Store, versionMatches } from "./store";

type Writable = "name" | "telegram_chat_id" | "whatsapp_number" | "timezone";
export type NewPerson = Pick<typeof people.$inferInsert, Writable>;
export type PersonChanges = Partial<NewPerson>;

export interface PersonFilters {
  limit: number;
  cursor?: string;
}

const columns = getTableColumns(people);
const byCreation: Keyset<PersonRow> = {
  time: people.created_at,
  id: people.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

/** A task naming a person who does not exist: 422 on `assignee_id`. */
export const noSuchPerson = (id: string) =>
  new InvalidInputError(`No person with id '${id}'; create the person first (POST /people).`, [
    { path: "assignee_id", location: "body", message: "does not name an existing person" },
  ]);

/** Whether `err` is the tasks → people foreign key refusing a person who does not exist, or one still assigned. */
export const isPersonReference = (err: unknown) => {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const cause = e?.cause ?? e;
  return cause?.code === "23503" && cause.constraint === "tasks_assignee_id_people_id_fk";
};

export async function createPerson(store: Store, input: NewPerson): Promise<PersonRow> {
  const rows = await store.db
    .insert(people)
    .values(input)
    .returning({ ...columns, txid: currentTxid });
  const { txid, ...person } = rows[0]!;
  store.onCommitted(txid);
  return person;
}

/** @throws NotFoundError */
export async function getPerson(store: Store, { id }: { id: string }): Promise<PersonRow> {
  const [row] = await store.db.select().from(people).where(eq(people.id, id));
  if (!row) throw new NotFoundError("person", id);
  return row;
}

/** Newest first. @throws InvalidInputError for a cursor this API did not issue. */
export async function listPeople(store: Store, filters: PersonFilters) {
  const where: (SQL | undefined)[] = [after(byCreation, filters.cursor)];
  const rows = await store.db
    .select()
    .from(people)
    .where(and(...where))
    .orderBy(...newestFirst(byCreation))
    .limit(filters.limit + 1);
  return page(byCreation, rows, filters.limit);
}

/** @throws NotFoundError; PreconditionFailedError (stale If-Match). */
export async function updatePerson(
  store: Store,
  { id, changes, expectedVersion }: { id: string; changes: PersonChanges; expectedVersion?: number },
): Promise<PersonRow> {
  const rows = await store.db
    .update(people)
    .set({ ...changes, updated_at: sql`now()`, version: sql`${people.version} + 1` })
    .where(and(eq(people.id, id), versionMatches(people.version, expectedVersion)))
    .returning({ ...columns, txid: currentTxid });
  const row = rows[0];
  if (!row) throw await missingOrStale(store, { table: people, entity: "person", id, expectedVersion });
  const { txid, ...person } = row;
  store.onCommitted(txid);
  return person;
}

/**
 * Deletes a person. Their tasks are reassigned in the same statement to `reassignTo` (another
 * person, or "none"); without it a person who still has tasks is refused, so no task loses its
 * assignee (and its reminders their addressee) by accident. The tasks move only if the person is
 * deleted: a stale If-Match changes nothing.
 * @throws NotFoundError (the person, or the one to reassign to); ConflictError (they have tasks and
 * no reassignment was given); PreconditionFailedError (stale If-Match); InvalidInputError
 * (reassigning to the person being deleted).
 */
export async function deletePerson(
  store: Store,
  { id, reassignTo, expectedVersion }: { id: string; reassignTo?: string; expectedVersion?: number },
) {
  if (reassignTo === id) {
    throw new InvalidInputError("A person's tasks cannot be reassigned to the person being deleted.", [
      { path: "reassign_to", location: "query", message: "names the person being deleted" },
    ]);
  }
  if (reassignTo && reassignTo !== "none") await getPerson(store, { id: reassignTo });
  const target = reassignTo === "none" ? null : reassignTo;
  // Foreign keys are checked at the end of the statement (NO ACTION), after the tasks have moved.
  const moved =
    reassignTo === undefined
      ? sql`select 0`
      : sql`update ${tasks} set assignee_id = ${target}::uuid, updated_at = now(), version = version + 1
          where assignee_id in (select id from gone) returning id`;
  const { rows } = await store.db
    .execute<{ deleted: boolean; txid: string }>(sql`
      with gone as (
        delete from ${people} where id = ${id}::uuid ${expectedVersion === undefined ? sql`` : sql`and version = ${expectedVersion}`}
        returning id
      ),
      moved as (${moved})
      select exists (select 1 from gone) as deleted, pg_current_xact_id()::text as txid`)
    .catch((err) => {
      if (isPersonReference(err)) {
        throw new ConflictError(
          `The person '${id}' still has tasks assigned; pass ?reassign_to=<person id> or ?reassign_to=none to say who takes them.`,
        );
      }
      throw err;
    });
  if (!rows[0]?.deleted) throw await missingOrStale(store, { table: people, entity: "person", id, expectedVersion });
  store.onCommitted(rows[0].txid);
}
