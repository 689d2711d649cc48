import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase } from "../../worker/db/client";
import { tasks } from "../../worker/db/schema";
import { onError } from "../../worker/http/on-error";

/** A secret-looking value sent as a query parameter: it must reach no log line. */
const SECRET = `sekrit-${crypto.randomUUID()}`;

/** Runs `query` on the real database behind a route that the app's own `onError` answers. */
async function failingRequest(
  query: (db: ReturnType<typeof createDatabase>["db"]) => Promise<unknown>,
  timeoutMs?: number,
) {
  const { db, close } = createDatabase(env.HYPERDRIVE.connectionString, { statementTimeoutMs: timeoutMs });
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  vi.spyOn(console, "error").mockImplementation(capture);
  vi.spyOn(console, "warn").mockImplementation(capture);
  const app = new Hono().get("/", async (c) => c.json(await query(db))).onError(onError);
  try {
    const res = await app.request("/", {}, { LOG_LEVEL: "info" });
    return { res, body: await res.text(), lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    await close();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("error logs carry no SQL parameters or request values", () => {
  it("a failing query is logged by statement and SQLSTATE, without its parameter", async () => {
    const { res, body, lines } = await failingRequest((db) => db.select().from(tasks).where(eq(tasks.id, SECRET)));
    expect(res.status).toBe(500);
    expect(body).not.toContain(SECRET);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(JSON.stringify(line)).not.toContain(SECRET);
    expect(JSON.stringify(line)).not.toMatch(/params/i);
    // 22P02 is invalid_text_representation (PostgreSQL, Appendix A): a non-uuid compared with a uuid.
    expect(line).toMatchObject({ level: "error", code: "22P02", statement: "select tasks" });
    expect(line!.message).toMatch(/uuid/);
  });

  it("a statement cancelled by its timeout (a 503) is logged without its parameter", async () => {
    const { res, lines } = await failingRequest((db) => db.execute(sql`select pg_sleep(1), ${SECRET}::text`), 100);
    expect(res.status).toBe(503);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).not.toContain(SECRET);
    // 57014 is query_canceled.
    expect(lines[0]).toMatchObject({ level: "warn", code: "57014", statement: "select" });
  });
});
