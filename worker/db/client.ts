import type { Duplex } from "node:stream";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Client, Pool, type QueryConfig } from "pg";
import * as pgCloudflare from "pg-cloudflare";
import { corkable, type SocketClass, type WritableSocket } from "./corked-socket";

/**
 * The Workers TCP socket, given to pg explicitly: pg finds it with a require() that the Workers test
 * runner resolves to the package's empty Node build. Outside workerd (the Node scripts) it is
 * absent and pg uses node:net.
 */
const WorkersSocket = (pgCloudflare as { CloudflareSocket?: SocketClass }).CloudflareSocket;
const CloudflareSocket =
  WorkersSocket &&
  (corkable(WorkersSocket as unknown as new (ssl: boolean) => WritableSocket) as unknown as SocketClass);

/**
 * Without drizzle's relational `db.query` API (nothing uses it): given the schema, drizzle() walks
 * every table's relations on each call, and there is a call per request (issue #21, ~0.1 ms of CPU).
 */
export type Database = NodePgDatabase;

export interface DatabaseOptions {
  /** Seconds to wait for a connection before the request fails with 503. */
  connectTimeoutSeconds?: number;
  /** Milliseconds after which Postgres cancels a statement, so a slow query cannot pin a connection. */
  statementTimeoutMs?: number;
}

/**
 * A client for one request or one scan. Workers forbid sharing I/O objects across requests, so
 * this is never kept at module scope; Hyperdrive pools the real connections behind it.
 *
 * node-postgres, not postgres.js: it sends Parse, Bind, Describe and Execute of a statement with
 * parameters in one flight, where postgres.js first asks the server to describe every statement a
 * new connection has not prepared yet. Every request opens a new connection, so that cost a
 * second round trip to the database on every query (bench/RESULTS.md, scenario 0).
 * The pool connects lazily, so routes that never query cost nothing.
 */
export function createDatabase(connectionString: string, options: DatabaseOptions = {}) {
  const config = {
    connectionString,
    connectionTimeoutMillis: (options.connectTimeoutSeconds ?? 5) * 1000,
    application_name: "openclaw-sync",
    statement_timeout: options.statementTimeoutMs ?? 5000,
    // pg calls it with the connection's settings; its types leave the argument out.
    ...(CloudflareSocket && {
      stream: ((config: { ssl?: unknown }) => new CloudflareSocket(Boolean(config.ssl))) as () => Duplex,
    }),
  };
  const pool = new Pool({ ...config, max: 5 });
  // An idle connection the runtime closes under us is not this request's failure; queries still
  // report their own errors.
  pool.on("error", () => {});
  const pipelines: Client[] = [];
  const pipeline = (): Pipeline => {
    const client = new Client({ ...config, pipeline: true });
    client.on("error", () => {});
    pipelines.push(client);
    // Statements queue, in the order issued, until the connection is up; a failed connect fails
    // each of them, so its own error needs no listener.
    client.connect().catch(() => {});
    return {
      db: drizzle(client),
      // pg is called here and now; drizzle calls it a few microtasks later, so statements sent
      // through `db` can overtake ones sent here. BEGIN and COMMIT too go as Parse, Bind, Execute
      // and Sync: pipelining is defined for the extended protocol (PostgreSQL docs, "Pipelining"),
      // which is what poolers such as Hyperdrive and PgBouncer are built to pass through.
      // (@types/pg leaves out queryMode, which pg's Query reads.)
      query: (text, values) => client.query({ text, values, queryMode: "extended" } as QueryConfig),
    };
  };
  const close = () =>
    Promise.all([pool.end(), ...pipelines.map((c) => c.end())]).then(
      () => {},
      () => {},
    );
  return { pool, db: drizzle(pool), pipeline, close };
}

/**
 * One connection in pg's pipeline mode: each statement is written as soon as it is issued, without
 * waiting for the answers to those before it, so a transaction's BEGIN, its first statements and
 * (at the end) its last statement and COMMIT each share one round trip. Idempotency-Key runs its
 * claim and the request's own statements this way (issue #21).
 */
export interface Pipeline {
  /** For the transaction's own work; drizzle sends each statement a few microtasks after it is built. */
  db: Database;
  /**
   * Sends a statement at once, so statements sent here leave in the order issued (BEGIN first,
   * COMMIT last). Rows come parsed by pg's default types.
   */
  query(text: string, values?: unknown[]): Promise<{ command: string; rows: Record<string, unknown>[] }>;
}
