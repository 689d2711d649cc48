import { describe, expect, it } from "vitest";
import { database, testStore } from "../../test/helpers";
import { tasks } from "../db/schema";
import { type Outcome, runOnce, type StoredResponse } from "./idempotency";
import type { Store } from "./store";
import { createTask } from "./tasks";

const sql = database();
const store = testStore();

const claimOf = (key: string) => ({ owner: "runonce-test", key, requestHash: "the request" });
const once = <T>(claim: ReturnType<typeof claimOf>, work: (tx: Store) => Promise<Outcome<T>>) =>
  runOnce(store, { ...claim, work });
const answer = (body: string): StoredResponse => ({ status: 201, headers: {}, body });
const rowOf = async (key: string) =>
  (
    await sql`select state, response_status, response_body from idempotency_keys
             where owner = 'runonce-test' and key = ${key}`
  )[0];
const titled = async (title: string) => await sql`select id from tasks where title = ${title}`;

/**
 * A request still running under `key`, as another Worker holds it: a transaction of its own that
 * inserted the key's row and has not committed. `commit` ends it with `response` stored.
 */
async function holdKey(key: string) {
  const held = await sql.reserve();
  await held`begin`;
  await held`insert into idempotency_keys (owner, key, request_hash, locked_until)
             values ('runonce-test', ${key}, 'the request', now() + interval '1 minute')`;
  return {
    commit: async (response: StoredResponse) => {
      await held`update idempotency_keys set state = 'done', response_status = ${response.status},
                 response_body = ${response.body}, response_headers = '{}'
                 where owner = 'runonce-test' and key = ${key}`;
      await held`commit`;
      held.release();
    },
    rollback: async () => {
      await held`rollback`;
      held.release();
    },
  };
}

describe("runOnce: the claim, the work and the stored response in one transaction", () => {
  it("commits the work with its response, and replays that response to a retry without running it", async () => {
    const key = crypto.randomUUID();
    const title = `runonce ${key}`;
    let runs = 0;
    const work = async (tx: Store) => {
      runs++;
      const task = await createTask(tx, { title });
      return { value: task.id, keep: answer(JSON.stringify({ id: task.id })) };
    };
    const first = await once(claimOf(key), work);
    expect(first.kind).toBe("ran");
    expect(await rowOf(key)).toMatchObject({ state: "done", response_status: 201 });
    const retry = await once(claimOf(key), work);
    expect(retry).toEqual({
      kind: "replay",
      response: answer(JSON.stringify({ id: (first as { value: string }).value })),
    });
    // The retry's own work ran before the claim's answer came back, and was rolled back.
    expect(runs).toBe(2);
    expect(await titled(title)).toHaveLength(1);
  });

  it("answers mismatch to the same key with another request", async () => {
    const key = crypto.randomUUID();
    await once(claimOf(key), async () => ({ value: 1, keep: answer("{}") }));
    const other = await once({ ...claimOf(key), requestHash: "another request" }, async () => ({
      value: 2,
      keep: answer("{}"),
    }));
    expect(other).toEqual({ kind: "mismatch" });
  });

  it("undo: a 5xx rolls back what the work wrote and frees the key", async () => {
    const key = crypto.randomUUID();
    const title = `undone ${key}`;
    const first = await once(claimOf(key), async (tx) => {
      await createTask(tx, { title });
      return { value: "failed", keep: "undo" as const };
    });
    expect(first).toEqual({ kind: "ran", value: "failed" });
    expect(await titled(title)).toHaveLength(0);
    expect(await rowOf(key)).toBeUndefined();
    expect(store.committed).not.toContain(undefined);
  });

  it("forget: what the work wrote stays, no response is kept, and a retry runs again", async () => {
    const key = crypto.randomUUID();
    const title = `forgotten ${key}`;
    const work = async (tx: Store) => {
      await createTask(tx, { title });
      return { value: "token", keep: "forget" as const };
    };
    expect((await once(claimOf(key), work)).kind).toBe("ran");
    expect((await once(claimOf(key), work)).kind).toBe("ran");
    expect(await titled(title)).toHaveLength(2);
    expect(await rowOf(key)).toBeUndefined();
  });

  it("a failed statement writes nothing, and its 4xx answer is still the key's", async () => {
    const key = crypto.randomUUID();
    const title = `failed statement ${key}`;
    const result = await once(claimOf(key), async (tx) => {
      await createTask(tx, { title });
      // A CHECK violation, as a route's statement meets one: the transaction can only roll back.
      const error = await tx.db
        .insert(tasks)
        .values({ title: "" })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(error).toBeDefined();
      return { value: 422, keep: { status: 422, headers: {}, body: '{"status":422}' } };
    });
    expect(result).toEqual({ kind: "ran", value: 422 });
    expect(await titled(title)).toHaveLength(0);
    expect(await rowOf(key)).toMatchObject({ state: "done", response_status: 422, response_body: '{"status":422}' });
  });

  it("reports a transaction to the store only once it committed", async () => {
    const key = crypto.randomUUID();
    const before = store.committed.length;
    let seen = -1;
    await once(claimOf(key), async (tx) => {
      await createTask(tx, { title: `reported ${key}` });
      seen = store.committed.length;
      return { value: 1, keep: answer("{}") };
    });
    expect(seen).toBe(before);
    expect(store.committed.length).toBe(before + 1);
  });

  it("runs afterCommit work after the COMMIT, and never for a refused request", async () => {
    const key = crypto.randomUUID();
    const events: string[] = [];
    const work = async (tx: Store) => {
      tx.afterCommit?.(async () => {
        events.push(`after commit, key row ${(await rowOf(key))?.state}`);
      });
      return { value: 1, keep: answer("{}") };
    };
    await once(claimOf(key), work);
    expect(events).toEqual(["after commit, key row done"]);
    expect((await once(claimOf(key), work)).kind).toBe("replay");
    expect(events).toHaveLength(1);
  });
});

describe("runOnce: a retry while the first request still holds the key", () => {
  it("waits for it, and gets its response once it commits", async () => {
    const key = crypto.randomUUID();
    const title = `waited ${key}`;
    const held = await holdKey(key);
    const retry = once(claimOf(key), async (tx) => {
      await createTask(tx, { title });
      return { value: "ran", keep: answer("{}") };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await held.commit(answer('{"first":true}'));
    expect(await retry).toEqual({ kind: "replay", response: answer('{"first":true}') });
    expect(await titled(title)).toHaveLength(0);
  });

  it("claims the key itself when the first rolls back", async () => {
    const key = crypto.randomUUID();
    const title = `took over ${key}`;
    const held = await holdKey(key);
    const retry = once(claimOf(key), async (tx) => {
      await createTask(tx, { title });
      return { value: "ran", keep: answer("{}") };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await held.rollback();
    expect(await retry).toEqual({ kind: "ran", value: "ran" });
    expect(await titled(title)).toHaveLength(1);
    expect(await rowOf(key)).toMatchObject({ state: "done" });
  });

  it("is told in-progress after waiting 3 s, and writes nothing", async () => {
    const key = crypto.randomUUID();
    const title = `gave up ${key}`;
    const held = await holdKey(key);
    const started = Date.now();
    const retry = await once(claimOf(key), async (tx) => {
      await createTask(tx, { title }).catch(() => undefined);
      return { value: "ran", keep: answer("{}") };
    });
    const waited = Date.now() - started;
    await held.rollback();
    expect(retry).toEqual({ kind: "in-progress" });
    expect(waited).toBeGreaterThanOrEqual(2900);
    expect(waited).toBeLessThan(4500);
    expect(await titled(title)).toHaveLength(0);
  });

  it("of 20 concurrent requests with one key, one runs and 19 replay its response", async () => {
    const key = crypto.randomUUID();
    const title = `concurrent ${key}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        once(claimOf(key), async (tx) => {
          await createTask(tx, { title });
          return { value: i, keep: answer(`{"by":${i}}`) };
        }),
      ),
    );
    const ran = results.filter((r) => r.kind === "ran");
    expect(ran).toHaveLength(1);
    const by = (ran[0] as { value: number }).value;
    for (const r of results.filter((r) => r.kind !== "ran")) {
      expect(r).toEqual({ kind: "replay", response: answer(`{"by":${by}}`) });
    }
    expect(await titled(title)).toHaveLength(1);
  });
});
