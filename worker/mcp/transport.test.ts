import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, database } from "../../test/helpers";

const sql = database();
const ADMIN = "Bearer test-admin-token-not-a-secret";

/** A POST /mcp as a Streamable HTTP client sends it (stateless server: no initialize needed). */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${BASE}/mcp`, {
    method: "POST",
    headers: {
      authorization: ADMIN,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const createTask = (id: number, title: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "create_task", arguments: { title } },
});

describe("MCP transport: batches", () => {
  // MCP removed JSON-RPC batching in 2025-06-18; JSON-RPC 2.0 names an invalid request -32600.
  it.each(["2025-11-25", "2025-06-18", "2025-03-26"])(
    "refuses a batch with 400 and a JSON-RPC error, and runs none of its calls (protocol %s)",
    async (version) => {
      const title = `batched ${crypto.randomUUID()}`;
      const batch = Array.from({ length: 100 }, (_, i) => createTask(i + 1, title));
      const res = await post(batch, { "mcp-protocol-version": version });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const message = JSON.parse(res.text);
      expect(message).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
      expect(message.error.message).toMatch(/batch/i);
      expect(await sql`select id from tasks where title = ${title}`).toHaveLength(0);
    },
  );

  it("still answers a single message", async () => {
    const res = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).result.tools.length).toBeGreaterThan(0);
  });
});

describe("MCP transport: Idempotency-Key", () => {
  it("replays a tools/call to its retry, and the tool runs once", async () => {
    const title = `idempotent mcp ${crypto.randomUUID()}`;
    const key = crypto.randomUUID();
    const first = await post(createTask(7, title), { "idempotency-key": key });
    const retry = await post(createTask(7, title), { "idempotency-key": key });
    expect(first.status, first.text).toBe(200);
    const result = JSON.parse(first.text);
    expect(result.error).toBeUndefined();
    expect(result.result.isError).toBeFalsy();
    expect(result.result.structuredContent).toMatchObject({ title });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.parse(retry.text)).toEqual(result);
    expect(await sql`select id from tasks where title = ${title}`).toHaveLength(1);
  });
});
