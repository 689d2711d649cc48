import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { expectProblem, scratchDatabaseUrl, testStore } from "../../test/helpers";
import worker from "../index";
import { pruneChanges } from "./changes";

// Everything here runs against the scratch database: it prunes the log and holds the seq lock.
const sql = postgres(scratchDatabaseUrl(), { max: 2, fetch_types: false, onnotice: () => {} });

/** One raw connection of its own (max: 1, so it may BEGIN and COMMIT by hand). Left open, as in test/helpers. */
const connection = () => postgres(scratchDatabaseUrl(), { max: 1, fetch_types: false, onnotice: () => {} });
const store = testStore(scratchDatabaseUrl());

/** GET through the Worker, with its database pointed at the scratch one. */
async function getOnScratch(path: string) {
  const ctx = createExecutionContext();
  const hyperdrive = { ...env.HYPERDRIVE, connectionString: scratchDatabaseUrl() } as Hyperdrive;
  const request = new Request(`http://sync.test${path}`, {
    headers: { authorization: `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}` },
  });
  const res = await worker.fetch(
    request as Parameters<typeof worker.fetch>[0],
    { ...env, HYPERDRIVE: hyperdrive },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Inserts a task over a raw connection; the trigger records it. Returns its change's seq. */
async function taskChange(title: string) {
  await sql`insert into tasks (title) values (${title})`;
  const [change] = await sql<{ seq: string }[]>`select max(seq) as seq from changes`;
  return Number(change!.seq);
}

describe("seq is gap-free in commit order (why the counter row, not a bigserial)", () => {
  it("a bigserial lets a reader see n + 1 before n, and a cursor past n + 1 then misses n for good", async () => {
    await sql`create table if not exists bigserial_demo (seq bigserial primary key, note text)`;
    const first = connection();
    const second = connection();
    {
      await first`begin`;
      const [n] = await first<{ seq: string }[]>`insert into bigserial_demo (note) values ('first') returning seq`;
      await second`begin`;
      const [m] = await second<{ seq: string }[]>`insert into bigserial_demo (note) values ('second') returning seq`;
      await second`commit`;
      expect(Number(m!.seq)).toBe(Number(n!.seq) + 1);

      const seen = await sql<{ seq: string }[]>`select seq from bigserial_demo where seq >= ${n!.seq} order by seq`;
      expect(seen.map((r) => Number(r.seq))).toEqual([Number(m!.seq)]);
      const cursor = Number(m!.seq);

      await first`commit`;
      const next = await sql`select seq from bigserial_demo where seq > ${cursor}`;
      expect(next).toHaveLength(0);
      const all = await sql`select seq from bigserial_demo where seq >= ${n!.seq}`;
      expect(all).toHaveLength(2);
    }
  });

  it("with the counter row, a second writer waits for the first to commit, so no reader sees n + 1 without n", async () => {
    const first = connection();
    const second = connection();
    {
      await first`begin`;
      await first`insert into tasks (title) values ('first writer')`;
      const [n] = await first<{ seq: string }[]>`select seq from changes where txid = pg_current_xact_id()`;
      const seqN = Number(n!.seq);

      const [[{ pid: firstPid }], [{ pid: secondPid }]] = (await Promise.all([
        first`select pg_backend_pid() as pid`,
        second`select pg_backend_pid() as pid`,
      ])) as unknown as [[{ pid: number }], [{ pid: number }]];
      await second`begin`;
      const secondWrite = second`insert into tasks (title) values ('second writer')`.then(() => "written");

      // The second writer is blocked on the counter row, and by the first writer.
      await expect
        .poll(async () => {
          const [row] = await sql<{ blockers: number[] }[]>`select pg_blocking_pids(${secondPid}::int) as blockers`;
          return row?.blockers ?? [];
        })
        .toContain(firstPid);
      expect(await Promise.race([secondWrite, new Promise((r) => setTimeout(() => r("waiting"), 100))])).toBe(
        "waiting",
      );
      expect(await sql`select seq from changes where seq >= ${seqN}`).toHaveLength(0);

      await first`commit`;
      expect(await secondWrite).toBe("written");
      const [m] = await second<{ seq: string }[]>`select seq from changes where txid = pg_current_xact_id()`;
      expect(Number(m!.seq)).toBe(seqN + 1);
      const visible = await sql<{ seq: string }[]>`select seq from changes where seq >= ${seqN} order by seq`;
      expect(visible.map((r) => Number(r.seq))).toEqual([seqN]);

      await second`commit`;
      const both = await sql<{ seq: string }[]>`select seq from changes where seq >= ${seqN} order by seq`;
      expect(both.map((r) => Number(r.seq))).toEqual([seqN, seqN + 1]);
    }
  });
});

describe("pruneChanges", () => {
  it("deletes expired changes and advances pruned_through in one step, leaving no hole below the mark", async () => {
    const s1 = await taskChange("old 1");
    const s2 = await taskChange("new 2");
    const s3 = await taskChange("old 3");
    const s4 = await taskChange("new 4");
    // Writers' `at` is their start time, so an old `at` can follow a new one in seq order.
    await sql`update changes set at = now() - interval '200 hours' where seq in (${s1}, ${s3})`;

    const result = await pruneChanges(store, { retentionHours: 168 });
    expect(result.pruned_through).toBe(s3);
    expect(result.deleted).toBeGreaterThanOrEqual(3);
    const left = await sql<{ seq: string }[]>`select seq from changes where seq >= ${s1} order by seq`;
    expect(left.map((r) => Number(r.seq))).toEqual([s4]);
    const [cursor] = await sql<{ pruned_through: string }[]>`select pruned_through from change_cursor`;
    expect(Number(cursor!.pruned_through)).toBe(s3);

    const gone = expectProblem(await getOnScratch(`/changes?since=${s2}`), 410);
    expect(gone.detail).toContain(`${s3}`);
    const kept = await getOnScratch(`/changes?since=${s3}`);
    expect(kept.status).toBe(200);
    expect(kept.body.changes.map((c: { seq: number }) => c.seq)).toEqual([s4]);
  });

  it("does nothing when nothing has expired, and never moves the mark back", async () => {
    const [before] = await sql<{ pruned_through: string }[]>`select pruned_through from change_cursor`;
    await taskChange("fresh");
    const result = await pruneChanges(store, { retentionHours: 168 });
    expect(result.deleted).toBe(0);
    expect(result.pruned_through).toBe(Number(before!.pruned_through));
  });

  it("works through a large backlog in batches", async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 7; i++) seqs.push(await taskChange(`batch ${i}`));
    const list = `{${seqs.join(",")}}`;
    await sql`update changes set at = now() - interval '2 hours' where seq = any(${list}::bigint[])`;
    const result = await pruneChanges(store, { retentionHours: 1, batchSize: 2 });
    expect(result.deleted).toBeGreaterThanOrEqual(7);
    expect(result.pruned_through).toBe(Math.max(...seqs));
    expect(await sql`select 1 from changes where seq = any(${list}::bigint[])`).toHaveLength(0);
  });

  it("keeps, whatever its age, what comes after keepAfter (an enabled webhook's cursor)", async () => {
    const s1 = await taskChange("old, sent");
    const s2 = await taskChange("old, not yet sent");
    const list = `{${s1},${s2}}`;
    await sql`update changes set at = now() - interval '200 hours' where seq = any(${list}::bigint[])`;
    const result = await pruneChanges(store, { retentionHours: 168, keepAfter: s1 });
    expect(result.pruned_through).toBe(s1);
    const left = await sql<{ seq: string }[]>`select seq from changes where seq = any(${list}::bigint[])`;
    expect(left.map((r) => Number(r.seq))).toEqual([s2]);
    await pruneChanges(store, { retentionHours: 168 });
  });

  it("refuses a negative retention", async () => {
    await expect(pruneChanges(store, { retentionHours: -1 })).rejects.toThrow(RangeError);
  });
});

describe("lease-only updates of a reminder (migration 0016)", () => {
  it("never call the change-log function; any other update does, once", async () => {
    const db = connection();
    const [task] = await db<{ id: string }[]>`insert into tasks (title) values ('lease trigger') returning id`;
    const [reminder] = await db<{ id: string }[]>`
      insert into reminders (task_id, remind_at, channel) values (${task!.id}, now() + interval '1 day', 'ui') returning id`;
    /** Calls of record_change in one transaction that runs `update` (PostgreSQL counts them with track_functions). */
    const callsDuring = (update: (tx: postgres.TransactionSql) => Promise<unknown>) =>
      db.begin(async (tx) => {
        await tx`set local track_functions = 'all'`;
        await update(tx);
        const [row] = await tx<{ calls: string }[]>`
          select coalesce(sum(calls), 0) as calls from pg_stat_xact_user_functions where funcname = 'record_change'`;
        return Number(row!.calls);
      });
    expect(
      await callsDuring(
        (tx) => tx`update reminders set lease_until = now() + interval '2 minutes', lease_token = gen_random_uuid()
          where id = ${reminder!.id}`,
      ),
    ).toBe(0);
    expect(await callsDuring((tx) => tx`update reminders set status = 'failed' where id = ${reminder!.id}`)).toBe(1);
  });
});
