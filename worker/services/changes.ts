import { sql } from "drizzle-orm";
import type { Change, ChangeEntity, ChangeOp } from "../../party/protocol";
import { changeCursor, changes } from "../db/schema";
import { GoneError } from "./errors";
import type { Store } from "./store";
import { attachmentView, personView, projectView, reminderView, taskView } from "./views";
import { changeJson } from "./views-json";

/** A change-log row as the driver returns it (bigint seq as text, timestamps as Date or text). */
export type ChangeRowLike = {
  seq: number | string;
  entity: ChangeEntity;
  op: ChangeOp;
  entity_id: string;
  data: Record<string, unknown>;
  at: Date | string;
};

const VIEWS: Record<ChangeEntity, (data: Record<string, unknown>) => Record<string, unknown>> = {
  task: taskView,
  project: projectView,
  person: personView,
  attachment: attachmentView,
  // The trigger captured a reminder's task's time zone with the row (migration 0005).
  reminder: (data) => reminderView(data, data.timezone),
};

/** A change-log row as clients see it: `data` shaped exactly like the REST resource. */
export function toChange(row: ChangeRowLike): Change {
  const data = VIEWS[row.entity](row.data);
  return {
    seq: Number(row.seq),
    type: `${row.entity}.${row.op}`,
    entity: row.entity,
    op: row.op,
    id: row.entity_id,
    data,
    at: new Date(row.at).toISOString(),
  };
}

export interface ChangePage {
  changes: Change[];
  /** Pass back as `since` to continue; the last seq returned, or `since` itself when there was nothing. */
  next_since: number;
  has_more: boolean;
}

/**
 * The changes committed after `since`, in seq (= commit) order, as the JSON text of a `ChangePage`.
 * Without `since`, no changes and the current position, so a client can note it before loading
 * lists and continue from it afterwards. One statement, so the retention mark and the rows come
 * from one snapshot; Postgres renders the changes (views-json.ts), so the page is never parsed here.
 * @throws GoneError when `since` is older than the retained history, or beyond its end.
 */
export async function listChangesJson(store: Store, input: { since?: number; limit: number }): Promise<string> {
  const since = input.since ?? Number.MAX_SAFE_INTEGER;
  const {
    rows: [head],
  } = await store.db.execute<{
    pruned_through: string | number;
    last_seq: string | number;
    found: string | number;
    page_end: string | number | null;
    page: string | null;
  }>(sql`
    select k.pruned_through, k.last_seq, p.found, p.page_end, p.page
    from ${changeCursor} k
    cross join lateral (
      -- One row past the page says whether more follow.
      select count(*) as found,
             max(c.seq) filter (where c.n <= ${input.limit}) as page_end,
             string_agg(${sql.raw(changeJson("c"))}, ',' order by c.seq) filter (where c.n <= ${input.limit}) as page
      from (
        select *, row_number() over (order by ${changes.seq}) as n from ${changes}
        where ${changes.seq} > ${since} order by ${changes.seq} limit ${input.limit + 1}
      ) c
    ) p
    where k.id = 1`);
  const prunedThrough = Number(head?.pruned_through ?? 0);
  const lastSeq = Number(head?.last_seq ?? 0);
  if (input.since === undefined) return `{"changes":[],"next_since":${lastSeq},"has_more":false}`;
  if (input.since < prunedThrough) {
    throw new GoneError(
      `Changes up to seq ${prunedThrough} have been pruned, so the history after ${input.since} is incomplete; ` +
        "reload tasks and reminders, then continue from GET /changes without since.",
    );
  }
  if (input.since > lastSeq) {
    throw new GoneError(
      `No change ${input.since} exists yet (the log ends at ${lastSeq}); this cursor belongs to another database. ` +
        "Reload tasks and reminders, then continue from GET /changes without since.",
    );
  }
  const nextSince = head?.page_end == null ? input.since : Number(head.page_end);
  const hasMore = Number(head?.found ?? 0) > input.limit;
  return `{"changes":[${head?.page ?? ""}],"next_since":${nextSince},"has_more":${hasMore}}`;
}

/** What the given transactions wrote to the change log, in seq order (the `changes_txid_idx` lookup). */
export async function changesOfTransactions(store: Store, { txids }: { txids: readonly string[] }): Promise<Change[]> {
  if (txids.length === 0) return [];
  const { rows } = await store.db.execute<ChangeRowLike>(sql`
    select seq, entity, op, entity_id, data, at from ${changes}
    where ${changes.txid} = any(${`{${txids.join(",")}}`}::xid8[])
    order by seq`);
  return rows.map(toChange);
}

/**
 * Deletes changes older than `retentionHours` and advances `pruned_through` in the same statement,
 * so a reader sees either both or neither. Batched (via `changes_at_idx`) so no statement runs long;
 * returns how many rows went. Each batch deletes by seq up to the newest expired one: `at` is the
 * writer's start time, not its commit order, so a cut by time alone could leave a hole below the mark.
 */
export async function pruneChanges(
  store: Store,
  {
    retentionHours,
    batchSize = 10_000,
    keepAfter,
  }: {
    retentionHours: number;
    batchSize?: number;
    /** Keep every change after this seq, whatever its age (what an enabled webhook has yet to send). */
    keepAfter?: number;
  },
) {
  if (!Number.isFinite(retentionHours) || retentionHours < 0) {
    throw new RangeError(`retentionHours must be a non-negative number, not ${retentionHours}.`);
  }
  let deleted = 0;
  let prunedThrough = 0;
  for (;;) {
    const {
      rows: [result],
    } = await store.db.execute<{ pruned_through: string | number; deleted: string | number }>(sql`
      with cutoff as (
        select max(seq) as seq from (
          select ${changes.seq} as seq from ${changes}
          where ${changes.at} < now() - make_interval(hours => ${retentionHours})
            and (${keepAfter ?? null}::bigint is null or ${changes.seq} <= ${keepAfter ?? null}::bigint)
          order by ${changes.at} limit ${batchSize}
        ) expired
      ),
      gone as (delete from ${changes} where ${changes.seq} <= (select seq from cutoff) returning 1)
      update ${changeCursor}
      set pruned_through = greatest(${changeCursor.pruned_through}, coalesce((select seq from cutoff), 0))
      where ${changeCursor.id} = 1
      returning ${changeCursor.pruned_through} as pruned_through, (select count(*) from gone) as deleted`);
    const batch = Number(result?.deleted ?? 0);
    prunedThrough = Number(result?.pruned_through ?? prunedThrough);
    deleted += batch;
    if (batch < batchSize) return { deleted, pruned_through: prunedThrough };
  }
}
