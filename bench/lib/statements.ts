import type postgres from "postgres";

/** One normalised statement's share of the database's time, as pg_stat_statements counted it. */
export interface StatementTime {
  query: string;
  calls: number;
  /** Planning plus execution, including what triggers fired by the statement did. */
  totalMs: number;
}

/**
 * Turns pg_stat_statements (preloaded by `startDatabase()`) on or off for every session, pooled ones
 * included: they pick up a reloaded setting before their next statement. Set with ALTER SYSTEM,
 * because a `-c` setting on the server's command line would override it.
 */
export async function trackStatementsIn(sql: postgres.Sql, on: boolean) {
  await sql.unsafe(`alter system set pg_stat_statements.track = '${on ? "top" : "none"}'`);
  await sql`select pg_reload_conf()`;
  // The reload is a signal: give the backends a moment to take it.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * Counts the time Postgres spends on each top-level statement from now until `stop()`, across all
 * sessions: the database's side of whatever the Worker does meanwhile.
 */
export async function trackStatements(sql: postgres.Sql) {
  await trackStatementsIn(sql, true);
  await sql`select pg_stat_statements_reset()`;
  return {
    async stop(): Promise<StatementTime[]> {
      const rows = await sql<{ query: string; calls: string; total_ms: number }[]>`
        select query, calls, total_plan_time + total_exec_time as total_ms
        from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
        order by total_ms desc`;
      await trackStatementsIn(sql, false);
      return rows.map((r) => ({ query: r.query, calls: Number(r.calls), totalMs: r.total_ms }));
    },
  };
}
