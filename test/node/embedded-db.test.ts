import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startEmbeddedPostgres } from "../../scripts/lib/postgres";

/**
 * `npm run dev`'s embedded database is one PGlite session behind many sockets. Statements with
 * parameters travel as Parse/Bind/Execute/Sync batches on each connection; interleaved, one binds
 * another's statement (scripts/lib/pglite-batch-queue.ts). Without the batch queue this run saw a
 * handful of such failures in every few hundred statements.
 */
let db: RunningDatabase;
beforeAll(async () => {
  db = await startEmbeddedPostgres();
});
afterAll(async () => {
  await db?.stop();
});

it("keeps concurrent connections' parameterised statements apart", async () => {
  const failures: string[] = [];
  const results = await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      const client = new pg.Client(db.url);
      await client.connect();
      const seen: unknown[] = [];
      for (let i = 0; i < 60; i++) {
        try {
          const res =
            i % 2
              ? await client.query("select $1::int + $2::int as v", [c, i])
              : await client.query("select $1::text || '-' || $2::text || '-' || $3::text as v", ["c", c, i]);
          seen.push(res.rows[0].v);
        } catch (err) {
          failures.push(String(err));
        }
      }
      await client.query("begin");
      await client.query("select $1::int", [c]);
      await client.query("commit");
      await client.end();
      return seen;
    }),
  );
  expect(failures).toEqual([]);
  // Each connection got its own answers, not another's.
  results.forEach((seen, c) => {
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => (i % 2 ? c + i : `c-${c}-${i}`)));
  });
});

it("applies every migration, pg_trgm's title search included (migration 0015)", async () => {
  const embedded = await startEmbeddedPostgres();
  try {
    await migrateDatabase(embedded.url);
    const client = new pg.Client(embedded.url);
    await client.connect();
    try {
      await client.query("insert into tasks (title) values ('Call the Dentist'), ('other')");
      const found = await client.query("select title from tasks where title ilike '%dentist%'");
      expect(found.rows).toEqual([{ title: "Call the Dentist" }]);
      const index = await client.query("select indexdef from pg_indexes where indexname = 'tasks_title_trgm_idx'");
      expect(index.rows[0]?.indexdef).toContain("gin_trgm_ops");
    } finally {
      await client.end();
    }
  } finally {
    await embedded.stop();
  }
});
