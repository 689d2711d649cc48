import { drizzle } from "drizzle-orm/node-postgres";
import { Pool } from "pg";
import { changesOfTransactions } from "../../worker/services/changes.ts";
import { createTask, getTask, listTasks } from "../../worker/services/tasks.ts";
import { updateTask } from "../../worker/services/update-task.ts";
import { settingsOf } from "../../worker/settings/index.ts";
import { SEEDED } from "./endpoints.ts";
import { SEEDED_ID_BASE, SEEDED_ID_PREFIX, seededTaskId } from "./stack.ts";

/** The statements a handler runs, as pgbench script lines, and the endpoint they belong to. */
export type HandlerScripts = Record<"createTask" | "getTask" | "listTasks" | "patchTask", string>;

const literal = (value: unknown): string => {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = value instanceof Date ? value.toISOString() : String(value);
  // Seeded ids become pgbench's random row, so each transaction touches another task, like the HTTP load.
  if (text.startsWith(SEEDED_ID_PREFIX)) return `('${SEEDED_ID_PREFIX}' || :n)::uuid`;
  return `'${text.replaceAll("'", "''")}'`;
};

/**
 * Runs the services behind four endpoints with a recording pool and turns what they sent into
 * pgbench scripts: the same statements, parameters written in as literals. The publish step's
 * change-log read (run after each write) is included; it is database work the request causes.
 */
export async function captureHandlerSql(databaseUrl: string): Promise<HandlerScripts> {
  let lines: string[] = [];
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  // Recorded where pg is called, not by drizzle's logger: queries built once per isolate
  // (worker/db/prepared.ts) reach the pool without passing the request's drizzle instance.
  const send = pool.query.bind(pool) as (config: unknown, values?: unknown[]) => Promise<unknown>;
  pool.query = ((config: string | { text: string }, values: unknown[] = []) => {
    const text = typeof config === "string" ? config : config.text;
    lines.push(`${text.replace(/\$(\d+)/g, (_, i) => literal(values[Number(i) - 1]))};`.replace(/\s+/g, " "));
    return send(config, values);
  }) as typeof pool.query;
  const db = drizzle(pool);
  const committed: string[] = [];
  const store = { db, time: settingsOf({}).time, onCommitted: (txid: string) => committed.push(txid) };
  const take = async (run: () => Promise<unknown>) => {
    lines = [`\\set n random(${SEEDED_ID_BASE}, ${SEEDED_ID_BASE + SEEDED - 1})`];
    committed.length = 0;
    await run();
    if (committed.length > 0) await changesOfTransactions(store, { txids: committed });
    return `${lines.join("\n")}\n`;
  };
  try {
    return {
      createTask: await take(() =>
        createTask(store, { title: "Bench task", description: "Created by the benchmark", source: "telegram" }),
      ),
      getTask: await take(() => getTask(store, { id: seededTaskId(0) })),
      listTasks: await take(() => listTasks(store, { status: "pending", limit: 50 })),
      patchTask: await take(() =>
        updateTask(store, { id: seededTaskId(0), changes: { description: "Edited by the benchmark" } }),
      ),
    };
  } finally {
    await pool.end();
  }
}
