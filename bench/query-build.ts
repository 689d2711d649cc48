/**
 * `npx tsx bench/query-build.ts`: what drizzle itself costs per query in Node, without a database,
 * for `getTask`'s select of a task by id: built on every call (as every query was before issue #21's
 * prepared queries) against built once and only bound (`worker/db/prepared.ts`). The client is a
 * stand-in that answers one row of nulls at once, so the figures are drizzle's building and row
 * mapping alone; workerd's share of them is in `npm run bench:profile`.
 */
import { eq, getTableColumns, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { tasks } from "../worker/db/schema/index.ts";

const ROUNDS = 20_000;
const WARM_UP = 3_000;

const row = Object.keys(getTableColumns(tasks)).map(() => null);
const client = { query: async () => ({ rows: [row], fields: [] }) };
const db = drizzle(client as never);
const id = "dc958ca0-6235-46d3-abbf-7f0c319756d0";
const prepared = db
  .select()
  .from(tasks)
  .where(eq(tasks.id, sql.placeholder("id")))
  .prepare("");

async function perCall(label: string, call: () => Promise<unknown>) {
  for (let i = 0; i < WARM_UP; i++) await call();
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) await call();
  console.log(`${label}: ${(((performance.now() - started) * 1000) / ROUNDS).toFixed(1)} µs per query`);
}

await perCall("built on every call, then run and mapped", () => db.select().from(tasks).where(eq(tasks.id, id)));
await perCall("built once, bound, run and mapped", () => prepared.execute({ id }));
await perCall("the stand-in client alone", () => client.query());
