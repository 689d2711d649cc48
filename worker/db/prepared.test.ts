import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "./client";
import { preparedOnce } from "./prepared";
import { changeCursor, tasks } from "./schema";

const databases = [createDatabase(env.HYPERDRIVE.connectionString), createDatabase(env.HYPERDRIVE.connectionString)];
afterAll(() => Promise.all(databases.map((d) => d.close())));

// One connection each, so a statement's backend tells which database ran it.
const one = databases[0]!.pipeline();
const two = databases[1]!.pipeline();

const backendAndValue = preparedOnce((db) =>
  db
    .select({ pid: sql<number>`pg_backend_pid()`, value: sql<number>`${sql.placeholder("value")}::int` })
    .from(changeCursor)
    .prepare(""),
);
const backendOf = async (db: typeof one.db) =>
  (await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0]!.pid;

describe("preparedOnce (a query built once per isolate, run on each caller's own database)", () => {
  it("runs each call on the caller's connection and binds its values, with calls of two databases interleaved", async () => {
    const pids = { one: await backendOf(one.db), two: await backendOf(two.db) };
    expect(pids.one).not.toBe(pids.two);
    const calls = Array.from({ length: 20 }, (_, value) => ({
      on: value % 2 ? ("one" as const) : ("two" as const),
      value,
    }));
    const results = await Promise.all(
      calls.map(({ on, value }) => backendAndValue((on === "one" ? one : two).db, { value })),
    );
    expect(results).toEqual(calls.map(({ on, value }) => [{ pid: pids[on], value }]));
  });

  it("sees what the caller's open transaction wrote, and another connection does not", async () => {
    const title = `prepared ${crypto.randomUUID()}`;
    const byTitle = preparedOnce((db) =>
      db
        .select({ id: tasks.id })
        .from(tasks)
        .where(sql`${tasks.title} = ${sql.placeholder("title")}`)
        .prepare(""),
    );
    await one.query("begin");
    try {
      await one.db.insert(tasks).values({ title });
      expect(await byTitle(one.db, { title })).toHaveLength(1);
      expect(await byTitle(two.db, { title })).toHaveLength(0);
    } finally {
      await one.query("rollback");
    }
    expect(await byTitle(one.db, { title })).toHaveLength(0);
  });
});
