import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sqlState } from "../db/errors";
import { idempotencyKeys } from "../db/schema";
import type { Store } from "./store";

/** How long a stored response is replayed, and how long a request may hold its key while running. */
export const IDEMPOTENCY_TTL_HOURS = 24;
const RUNNING_LOCK_SECONDS = 60;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What a route lets the store keep of its response: all of it (the default); all but its secret
 * fields, each named with why it is withheld; or nothing, so a retry runs again (for answers
 * that change nothing, such as a fresh short-lived token).
 */
export type ReplayPolicy = { withhold: Record<string, string> } | { store: false };

/**
 * The JSON body with each withheld field set to null and listed under `redacted` with its
 * reason: what a replay carries instead of a secret that was shown once.
 */
export function withholdFields(body: string, withhold: Record<string, string>): string {
  return JSON.stringify({
    ...JSON.parse(body),
    ...Object.fromEntries(Object.keys(withhold).map((f) => [f, null])),
    redacted: withhold,
  });
}

/** Which request holds a key: its owner (the caller's key id) and the key itself. */
export interface IdempotencySlot {
  owner: string;
  key: string;
}

/** Why a request did not run under its key: the first response to replay, another request's key, or one still running. */
export type Refusal = { kind: "replay"; response: StoredResponse } | { kind: "mismatch" } | { kind: "in-progress" };

type ClaimInput = IdempotencySlot & { requestHash: string };

/**
 * The insert that claims a key, returning a row when this request holds it. Of N concurrent
 * requests with one key exactly one inserts; the rest see its row (waiting for its transaction, if
 * it is still open). A row whose request died (still `running` past its lock) may be taken over by
 * the same request, and any row past its TTL by any request.
 */
function claimRow(db: Database, { owner, key, requestHash }: ClaimInput) {
  const t = idempotencyKeys;
  return db
    .insert(t)
    .values({
      owner,
      key,
      request_hash: requestHash,
      locked_until: sql`now() + make_interval(secs => ${RUNNING_LOCK_SECONDS})`,
    })
    .onConflictDoUpdate({
      target: [t.owner, t.key],
      set: {
        request_hash: sql`excluded.request_hash`,
        state: "running",
        locked_until: sql`excluded.locked_until`,
        created_at: sql`now()`,
        response_status: null,
        response_headers: null,
        response_body: null,
      },
      setWhere: sql`${t.created_at} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
        or (${t.state} = 'running' and ${t.locked_until} < now() and ${t.request_hash} = excluded.request_hash)`,
    })
    .returning({ owner: t.owner });
}

type Row = typeof idempotencyKeys.$inferSelect;

/** Why the key's row, which another request holds, refuses this one; undefined when it is gone. */
function refusalOf(existing: Row | undefined, requestHash: string): Refusal | undefined {
  if (!existing) return undefined;
  if (existing.request_hash !== requestHash) return { kind: "mismatch" };
  if (existing.state === "running") return { kind: "in-progress" };
  return {
    kind: "replay",
    response: {
      status: existing.response_status!,
      headers: existing.response_headers ?? {},
      body: existing.response_body ?? "",
    },
  };
}

const rowOf = (db: Database, { owner, key }: IdempotencySlot) =>
  db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));

/**
 * Claims `key` for this request in a statement of its own, or says why not; the request then
 * completes or releases it. For work that calls a provider, which must not run inside a
 * transaction (DESIGN.md); the rest runs under `runOnce`.
 */
export async function claimIdempotencyKey(store: Store, input: ClaimInput): Promise<{ kind: "acquired" } | Refusal> {
  const [acquired] = await claimRow(store.db, input);
  if (acquired) return { kind: "acquired" };
  const [existing] = await rowOf(store.db, input);
  // Gone in between (pruned, or released by its request): try again.
  return refusalOf(existing, input.requestHash) ?? claimIdempotencyKey(store, input);
}

/** What work under a key answered, and what of it a retry with the same key gets. */
export interface Outcome<T> {
  value: T;
  /**
   * The response to replay; `forget`: none, but what the work wrote stays (a retry runs again);
   * `undo`: none, and what the work wrote is rolled back (a 5xx).
   */
  keep: StoredResponse | "forget" | "undo";
}

/** How long a retry waits for the request that holds its key before it is told 409. */
const IN_PROGRESS_WAIT_MS = 3000;

/**
 * Runs `work` once per key: the claim, the work's statements and the stored response are one
 * transaction on one pipelined connection, so it takes two round trips where the work alone takes
 * one (issue #21). BEGIN, the claim and the work's first statement leave together, before the
 * claim's answer is known; the stored response and COMMIT leave together at the end.
 *
 * Why concurrent retries stay safe: the claim's insert is the lock. A second request's insert
 * waits on the first's uncommitted row (up to IN_PROGRESS_WAIT_MS, then 409); when the first
 * commits it finds the row done and gets its response to replay; when the first rolls back, it
 * claims the key itself. A request that did not get the key may already have run its own
 * statements, which its ROLLBACK undoes, and work that must wait for the COMMIT (deleting objects
 * from R2) waits in `afterCommit`. Only a transaction that claimed the key can commit.
 */
export async function runOnce<T>(
  store: Store,
  { work, ...input }: ClaimInput & { work: (tx: Store) => Promise<Outcome<T>> },
): Promise<{ kind: "ran"; value: T } | Refusal> {
  if (!store.pipeline) throw new Error("runOnce needs a store with a pipeline()");
  const pipe = store.pipeline();
  // Every statement of runOnce's own goes out at once, in this order; the work's go out after the claim.
  const send = (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = query.toSQL();
    return pipe.query(sql, params);
  };
  const rollback = () => pipe.query("rollback").catch(() => {});
  const begun = pipe.query("begin");
  const waiting = pipe.query(`set local lock_timeout = ${IN_PROGRESS_WAIT_MS}`);
  const claimed = send(claimRow(pipe.db, input));
  const acquired = Promise.all([begun, waiting, claimed]).then(([, , claim]) => claim.rows.length > 0);
  // Read once the work is done; its statements are queued behind the claim.
  acquired.catch(() => {});

  const txids: string[] = [];
  const later: Array<() => Promise<void>> = [];
  const tx: Store = {
    ...store,
    db: pipe.db,
    onCommitted: (txid) => txids.push(txid),
    afterCommit: (then) => later.push(then),
  };
  const ran = await work(tx).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error }),
  );
  try {
    if (!(await acquired)) {
      await rollback();
      const { rows } = await send(rowOf(pipe.db, input));
      return refusalOf(rows[0] as Row | undefined, input.requestHash) ?? { kind: "in-progress" };
    }
  } catch (err) {
    await rollback();
    if (sqlState(err) === "55P03") return { kind: "in-progress" };
    throw err;
  }
  if ("error" in ran) {
    await rollback();
    throw ran.error;
  }
  const { value, keep } = ran.outcome;
  if (keep === "undo") {
    await rollback();
    return { kind: "ran", value };
  }
  const [last, ended] = await Promise.allSettled([
    send(keep === "forget" ? releaseRow(pipe.db, input) : completeRow(pipe.db, { ...input, response: keep })),
    pipe.query("commit"),
  ]);
  if (last.status === "fulfilled" && ended.status === "fulfilled" && ended.value.command === "COMMIT") {
    for (const txid of txids) store.onCommitted(txid);
    for (const then of later) await then();
    return { kind: "ran", value };
  }
  // "In failed transaction" (25P02): a statement of the work had failed, so nothing it wrote
  // survives, and COMMIT answered ROLLBACK. Its answer (a 4xx) is still the key's.
  if (last.status === "rejected" && sqlState(last.reason) === "25P02" && ended.status === "fulfilled") {
    if (keep !== "forget") await send(storeResponse(pipe.db, { ...input, response: keep }));
    return { kind: "ran", value };
  }
  throw last.status === "rejected"
    ? last.reason
    : ended.status === "rejected"
      ? ended.reason
      : new Error(`The transaction under an Idempotency-Key ended in ${ended.value.command}.`);
}

/** The key's row, done, with its response: for work whose transaction failed and was rolled back. */
function storeResponse(db: Database, { owner, key, requestHash, response }: ClaimInput & { response: StoredResponse }) {
  return db
    .insert(idempotencyKeys)
    .values({
      owner,
      key,
      request_hash: requestHash,
      state: "done",
      locked_until: sql`now()`,
      response_status: response.status,
      response_headers: response.headers,
      response_body: response.body,
    })
    .onConflictDoNothing();
}

function completeRow(db: Database, { owner, key, response }: IdempotencySlot & { response: StoredResponse }) {
  return db
    .update(idempotencyKeys)
    .set({
      state: "done",
      response_status: response.status,
      response_headers: response.headers,
      response_body: response.body,
    })
    .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}

function releaseRow(db: Database, { owner, key }: IdempotencySlot) {
  return db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}

/** Stores the response to replay for later retries with the same key. */
export async function completeIdempotencyKey(store: Store, input: IdempotencySlot & { response: StoredResponse }) {
  await completeRow(store.db, input);
}

/** Frees the key after a failure that changed nothing (a 5xx), so the client's retry can run. */
export async function releaseIdempotencyKey(store: Store, slot: IdempotencySlot) {
  await releaseRow(store.db, slot);
}

/** Deletes responses past their replay window; run by the cron. Returns how many went. */
export async function pruneIdempotencyKeys(store: Store) {
  const gone = await store.db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.created_at} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`)
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
