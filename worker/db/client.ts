import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;

export interface DatabaseOptions {
  /** Seconds to wait for a connection before the request fails with 503. */
  connectTimeoutSeconds?: number;
  /** Milliseconds after which Postgres cancels a statement, so a slow query cannot pin a connection. */
  statementTimeoutMs?: number;
}

/**
 * A client for one request or one scan. Workers forbid sharing I/O objects across requests, so
 * this is never kept at module scope; Hyperdrive pools the real connections behind it.
 */
export function createDatabase(connectionString: string, options: DatabaseOptions = {}) {
  const sql = postgres(connectionString, {
    max: 5,
    // Hyperdrive does not support the type lookup postgres.js runs on connect.
    fetch_types: false,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    connection: {
      application_name: "openclaw-sync",
      statement_timeout: options.statementTimeoutMs ?? 5000,
    },
    onnotice: () => {},
  });
  return { sql, db: drizzle(sql, { schema }) };
}

/** The Worker's client: the Hyperdrive binding with the timeouts configured in wrangler.toml [vars]. */
export function databaseFor(env: {
  HYPERDRIVE: Hyperdrive;
  DB_STATEMENT_TIMEOUT_MS?: string;
  DB_CONNECT_TIMEOUT_S?: string;
}) {
  return createDatabase(env.HYPERDRIVE.connectionString, {
    statementTimeoutMs: Number(env.DB_STATEMENT_TIMEOUT_MS) || undefined,
    connectTimeoutSeconds: Number(env.DB_CONNECT_TIMEOUT_S) || undefined,
  });
}
