import { env } from "cloudflare:test";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { publishChanges } from "../../worker/realtime/publish";
import { database, testStore } from "../helpers";
import { eventually, startClient } from "./helpers";

const sql = database();
const publisher = testStore();
const WRITERS = 8;
const TASKS_PER_WRITER = 25;
const PATCHES_PER_TASK = 8;
// Each task: created, patched 8 times, deleted: 10 changes. 8 writers × 25 tasks × 10 = 2,000.
const EXPECTED = WRITERS * TASKS_PER_WRITER * (PATCHES_PER_TASK + 2);

/**
 * One writer: its own connection, one autocommitted statement per mutation, each followed by the
 * publisher the Worker runs after commit (its entry point for the cron too), a few in flight at once
 * as waitUntil would leave them, so publishes race and reach the room out of order. Through REST the
 * same run takes over a minute here, nearly all of it opening a database connection per request in
 * local Hyperdrive; REST publishing is covered by the other files.
 */
async function writer(n: number, ids: string[]) {
  const db = postgres(env.HYPERDRIVE.connectionString, { max: 1, fetch_types: false, onnotice: () => {} });
  const inFlight: Promise<void>[] = [];
  const write = async (statement: Promise<{ id: string; txid: string }[]>) => {
    const [row] = await statement;
    inFlight.push(publishChanges(env, publisher, [row!.txid]));
    if (inFlight.length > 4) await inFlight.shift();
    return row!.id;
  };
  const txid = db`pg_current_xact_id()::text`;
  for (let t = 0; t < TASKS_PER_WRITER; t++) {
    const id = await write(
      db`insert into tasks (title) values (${`writer ${n} task ${t}`}) returning id, ${txid} as txid`,
    );
    ids.push(id);
    for (let p = 0; p < PATCHES_PER_TASK; p++) {
      await write(
        db`update tasks set title = ${`v${p}`}, version = version + 1 where id = ${id} returning id, ${txid} as txid`,
      );
    }
    await write(db`delete from tasks where id = ${id} returning id, ${txid} as txid`);
  }
  await Promise.all(inFlight);
}

describe("no gap under concurrent writers", () => {
  it("a reader mixing the room and GET /changes ends with exactly this test's 2,000 changes, in commit order, none twice", async () => {
    const { client, applied, via } = await startClient();
    const start = client.cursor;
    const ids: string[] = [];
    let writing = true;
    // The reader alternates: a while on the room (replay on reconnect, then live), a while off it
    // reading GET /changes, and so on until the writers are done.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const alternate = (async () => {
      for (let round = 0; writing; round++) {
        if (round % 2 === 0) {
          client.reconnect();
          await sleep(400);
        } else {
          client.disconnect();
          await client.catchUp();
          await sleep(100);
          await client.catchUp();
        }
      }
      client.reconnect();
    })();
    await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n, ids)));
    writing = false;
    await alternate;

    const truth = await sql<{ seq: string; entity_id: string; op: string }[]>`
      select seq, entity_id, op from changes
      where entity_id = any(${`{${ids.join(",")}}`}::uuid[]) order by seq`;
    expect(truth).toHaveLength(EXPECTED);
    const last = Number(truth.at(-1)!.seq);
    await eventually(() => client.cursor >= last, 15_000, `client at seq ${last}`);
    client.stop();

    const mine = new Set(ids);
    const got = applied.filter((c) => mine.has(c.id)).map((c) => `${c.seq} ${c.id} ${c.op}`);
    expect(got).toEqual(truth.map((r) => `${r.seq} ${r.entity_id} ${r.op}`));
    // Everything the reader applied (other files' changes too) is one unbroken run of seqs.
    const seqs = applied.map((c) => c.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => start + 1 + i));
    expect(via.room).toBeGreaterThan(0);
    expect(via["catch-up"]).toBeGreaterThan(0);
  }, 120_000);
});
