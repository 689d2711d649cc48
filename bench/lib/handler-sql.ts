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
 * Runs the services behind four endpoints with a recording logger and turns what they sent into
 * pgbench scripts: the same statements, parameters written in as literals. The publish step's
 * change-log read (run after each write) is included; it is database work the request causes.
 */
export async function captureHandlerSql(databaseUrl: string): Promise<HandlerScripts> {
  let lines: string[] = [];
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const db = drizzle(pool, {
    logger: {
      logQuery(query, params) {
        lines.push(`${query.replace(/\$(\d+)/g, (_, i) => literal(params[Number(i) - 1]))};`.replace(/\s+/g, " "));
      },
    },
  });
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
