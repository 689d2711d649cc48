import { AsyncLocalStorage } from "node:async_hooks";
import { drizzle } from "drizzle-orm/node-postgres";
import type { Database } from "./client";

/** What drizzle's node-postgres driver calls on its client: pg's `Pool` and `Client` both have it. */
interface Queryable {
  query(config: unknown, values?: unknown[]): Promise<unknown>;
}

/** The database of the call running a prepared query (each request has its own; see `createDatabase`). */
const running = new AsyncLocalStorage<Queryable>();

/**
 * A drizzle instance for building queries once per isolate. Workers forbid sharing I/O objects
 * across requests, so it holds no connection: its client hands each statement to the database of
 * the request that runs it.
 */
const isolateDb: Database = drizzle({
  query: (config: unknown, values?: unknown[]) => {
    const db = running.getStore();
    if (!db) throw new Error("a prepared query ran outside preparedOnce's call");
    return db.query(config, values);
  },
} as never);

interface Prepared<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}

/**
 * A query drizzle builds once per isolate and then only binds: `build` gets a drizzle instance and
 * returns `.prepare("")` of a query with `sql.placeholder`s. For `GET /tasks/{id}` drizzle took
 * 0.68–0.73 ms of the isolate's time per request built on every call, and 0.10–0.12 ms prepared
 * (`npm run bench:profile`; ~84 µs against ~2.6 µs in Node, `npx tsx bench/query-build.ts`;
 * issue #21, bench/history.md section 10). The name is
 * empty so pg sends an unnamed statement, as for any other query: a named one would be a
 * server-side object that transaction-mode poolers (Hyperdrive, PgBouncer) share between clients.
 */
export function preparedOnce<T>(build: (db: Database) => Prepared<T>) {
  let prepared: Prepared<T> | undefined;
  return (db: Database, values: Record<string, unknown>): Promise<T> => {
    prepared ??= build(isolateDb);
    // drizzle keeps the client it was built with as `$client` (a pool, or a pipeline's client).
    const client = (db as Database & { $client: Queryable }).$client;
    return running.run(client, () => prepared!.execute(values));
  };
}
