import { and, eq, sql } from "drizzle-orm";
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

/**
 * Claims `key` for this request, or says why not. The insert is the lock: of N concurrent
 * requests with one key exactly one inserts; the rest see its row. A row whose request died
 * (still `running` past its lock) may be taken over by the same request, and any row past its TTL
 * by any request.
 */
export async function claimIdempotencyKey(
  store: Store,
  input: IdempotencySlot & { requestHash: string },
): Promise<
  { kind: "acquired" } | { kind: "replay"; response: StoredResponse } | { kind: "mismatch" } | { kind: "in-progress" }
> {
  const { owner, key, requestHash } = input;
  const t = idempotencyKeys;
  const [acquired] = await store.db
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
  if (acquired) return { kind: "acquired" } as const;

  const [existing] = await store.db
    .select()
    .from(t)
    .where(and(eq(t.owner, owner), eq(t.key, key)));
  if (!existing) return claimIdempotencyKey(store, input); // pruned in between: try again
  if (existing.request_hash !== requestHash) return { kind: "mismatch" } as const;
  if (existing.state === "running") return { kind: "in-progress" } as const;
  return {
    kind: "replay",
    response: {
      status: existing.response_status!,
      headers: existing.response_headers ?? {},
      body: existing.response_body ?? "",
    },
  } as const;
}

/** Stores the response to replay for later retries with the same key. */
export async function completeIdempotencyKey(
  store: Store,
  { owner, key, response }: IdempotencySlot & { response: StoredResponse },
) {
  await store.db
    .update(idempotencyKeys)
    .set({
      state: "done",
      response_status: response.status,
      response_headers: response.headers,
      response_body: response.body,
    })
    .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}

/** Frees the key after a failure that changed nothing (a 5xx), so the client's retry can run. */
export async function releaseIdempotencyKey(store: Store, { owner, key }: IdempotencySlot) {
  await store.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}

/** Deletes responses past their replay window; run by the cron. Returns how many went. */
export async function pruneIdempotencyKeys(store: Store) {
  const gone = await store.db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.created_at} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`)
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
