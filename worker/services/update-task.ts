import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { rowFromDriver } from "../db/rows";
import { reminders, type TaskRow, taskCompletions, tasks } from "../db/schema";
import { CandidateBudget } from "../time/budget";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { labelColumns } from "./labels";
import { armAt } from "./reminders";
import { missingOrStale, type Store, versionMatches } from "./store";
import { planNextOccurrence, planSchedule, type TimeSettings } from "./task-schedule";
import { getTask, type TaskChanges, unknownReference } from "./tasks";

/** The task's columns in one fixed order, for statements that union rows of several sources. */
const columnList = sql.join(
  Object.values(getTableColumns(tasks)).map((c) => sql.identifier(c.name)),
  sql`, `,
);

/** A task update ready to run: the columns to set and the condition under which they are right. */
interface UpdatePlan {
  set: Partial<typeof tasks.$inferInsert>;
  guard?: SQL;
  /** Whether this update completes the task (a completion is recorded if it was not completed yet). */
  completing: boolean;
}

const noRelativeReminders = (id: string) =>
  sql`not exists (select 1 from ${reminders} where ${reminders.task_id} = ${id} and ${reminders.offset_minutes} is not null)`;

/**
 * A plan that needs no stored state: changes that SQL can apply alone, guarded so that it only
 * applies where that is right (the task does not recur). Null when the stored schedule is needed.
 */
function planBlind(id: string, changes: TaskChanges): UpdatePlan | null {
  const { due_time, due_date, timezone, rrule, labels, ...fields } = changes;
  if (due_date !== undefined || timezone !== undefined || rrule !== undefined) return null;
  const completing = fields.status === "completed";
  const guards: SQL[] = [];
  const set: UpdatePlan["set"] = { ...fields, ...(labels && labelColumns(labels)) };
  if (due_time !== undefined) {
    Object.assign(set, { due_time, due_date: null, reminder_anchor: due_time });
    if (due_time === null) guards.push(noRelativeReminders(id));
  }
  if (due_time !== undefined || completing) guards.push(sql`${tasks.rrule} is null`);
  // The completion record reads the status from the statement's snapshot; a concurrent completion
  // committed meanwhile fails this re-checked guard instead of recording the same completion twice.
  if (completing) guards.push(sql`${tasks.status} <> 'completed'`);
  return { set, guard: and(...guards), completing };
}

const sameValue = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date
    ? a.getTime() === b.getTime()
    : Array.isArray(a) && Array.isArray(b)
      ? a.length === b.length && a.every((item, i) => item === b[i])
      : (a ?? null) === (b ?? null);

/**
 * A plan computed from the stored row; it applies only if the row is still at that version. Null
 * when it would change nothing (completing a completed task), so repeats neither write nor race.
 */
function planFromCurrent(
  id: string,
  current: TaskRow,
  changes: TaskChanges,
  settings: TimeSettings,
): UpdatePlan | null {
  const { due_time, due_date, timezone, rrule, labels, ...rest } = changes;
  const fields = { ...rest, ...(labels && labelColumns(labels)) };
  // One budget for the plan: a patch that sets a rule and completes it evaluates the rule twice.
  const budget = new CandidateBudget();
  let schedule = planSchedule(current, { due_time, due_date, timezone, rrule }, settings, budget);
  let status = fields.status;
  const completing = status === "completed" && current.status !== "completed";
  if (completing && schedule.rrule) {
    const next = planNextOccurrence(schedule, settings, budget);
    // The series goes on: the task is pending again at its next occurrence. Otherwise it ends here.
    if (next) {
      schedule = next;
      status = "pending";
    }
  }
  const set: UpdatePlan["set"] = { ...fields, status, ...schedule };
  const row = current as Record<string, unknown>;
  if (!completing && Object.entries(set).every(([key, value]) => value === undefined || sameValue(value, row[key]))) {
    return null;
  }
  const guards = [sql`${tasks.version} = ${current.version}`];
  if (schedule.due_time === null && current.due_time !== null) guards.push(noRelativeReminders(id));
  return { set, guard: and(...guards), completing };
}

/**
 * One statement: update the task, record a completion, and re-arm reminders: relative ones when
 * their anchor moved (to the new anchor plus their offset), and those skipped while the task was
 * done when it becomes pending again (relative ones likewise, absolute ones at their own time). The
 * triggers log every row it touches. When the guard fails it returns the stored row instead, so the
 * caller can plan again without another read.
 */
async function applyPlan(store: Store, id: string, plan: UpdatePlan) {
  const update = store.db
    .update(tasks)
    .set({ ...plan.set, updated_at: sql`now()`, version: sql`${tasks.version} + 1` })
    .where(and(eq(tasks.id, id), plan.guard))
    .returning();
  const armTime = sql`case when ${reminders.offset_minutes} is null then ${reminders.remind_at}
    else u.reminder_anchor + make_interval(mins => ${reminders.offset_minutes}) end`;
  const moveReminders = store.db
    .update(reminders)
    .set({ ...armAt(armTime), version: sql`${reminders.version} + 1` })
    .from(sql`updated u join before b on b.id = u.id`)
    .where(
      sql`${reminders.task_id} = u.id and (
        (${reminders.offset_minutes} is not null and u.reminder_anchor is distinct from b.reminder_anchor)
        or (${reminders.status} = 'skipped' and u.status = 'pending' and b.status <> 'pending'))`,
    )
    .returning({ id: reminders.id });
  const { rows } = await store.db.execute<Record<string, unknown>>(sql`
    with before as (select * from ${tasks} where ${tasks.id} = ${id}),
    updated as (${update.getSQL()}),
    completed as (
      insert into ${taskCompletions} (task_id, occurrence, due_time, due_date, timezone)
      select b.id, b.occurrence, b.due_time, b.due_date, b.timezone from before b join updated u on u.id = b.id
      where ${plan.completing}::boolean and b.status <> 'completed'
    ),
    moved as (${moveReminders.getSQL()})
    select true as applied, ${columnList}, pg_current_xact_id()::text as txid, false as has_relative_reminders
    from updated u
    union all
    select false, ${columnList}, null, exists (
      select 1 from ${reminders} where ${reminders.task_id} = b.id and ${reminders.offset_minutes} is not null
    ) from before b where not exists (select 1 from updated)`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    applied: row.applied === true,
    task: rowFromDriver(tasks, row),
    txid: row.txid as string | null,
    hasRelativeReminders: row.has_relative_reminders === true,
  };
}

/**
 * Applies a partial update. Most changes take one statement; those that depend on the stored
 * schedule (time zone, all-day date, rule, completing a recurring task) read it first, then write
 * only if it has not changed meanwhile. Completing a recurring task records the completion and
 * moves the task to its next occurrence, pending again, with its relative reminders re-armed.
 * `expectedVersion` (from If-Match) guards against lost updates.
 * @throws NotFoundError; PreconditionFailedError (stale version); InvalidInputError (the change
 * cannot apply, e.g. clearing a due that relative reminders hang on); ConflictError (others kept
 * changing it throughout).
 */
export async function updateTask(
  store: Store,
  { id, changes, expectedVersion }: { id: string; changes: TaskChanges; expectedVersion?: number },
): Promise<TaskRow> {
  const settings = store.time;
  const withVersion = (plan: UpdatePlan) =>
    expectedVersion === undefined
      ? plan
      : { ...plan, guard: and(plan.guard, versionMatches(tasks.version, expectedVersion)) };
  let plan = planBlind(id, changes);
  if (!plan) {
    const current = await getTask(store, { id });
    plan = planFromCurrent(id, current, changes, settings);
    if (!plan) return current;
  }
  // A failed guard returns the row as the statement's snapshot saw it, which a concurrent writer may
  // have changed since: one attempt to catch up with it, one to apply, spares for busy rows.
  for (let attempt = 0; attempt < 4; attempt++) {
    const result = await applyPlan(store, id, withVersion(plan)).catch((err) => {
      throw unknownReference(err, changes);
    });
    if (!result) throw new NotFoundError("task", id);
    if (result.applied) {
      store.onCommitted(result.txid!);
      return result.task;
    }
    const current = result.task;
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw await missingOrStale(store, { table: tasks, entity: "task", id, expectedVersion });
    }
    const next = planFromCurrent(id, current, changes, settings);
    if (!next) return current;
    if (result.hasRelativeReminders && next.set.due_time === null) {
      throw new InvalidInputError("The task has relative reminders; delete them before clearing its due.", [
        {
          path: changes.due_date === null ? "due_date" : "due_time",
          location: "body",
          message: "the task has relative reminders (offset_minutes)",
        },
      ]);
    }
    plan = next;
  }
  throw new ConflictError(`The task '${id}' is being changed by others right now; retry.`);
}
