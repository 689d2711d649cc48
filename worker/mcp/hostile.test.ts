import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE } from "../../test/helpers";
import { TOOLS } from "./server";

const RUNS = Number((env as { FUZZ_RUNS?: string }).FUZZ_RUNS ?? 100);
const ADMIN = `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}`;

/** One MCP message as a client sends it, straight over HTTP (stateless: no initialize needed). */
async function post(body: string) {
  const res = await SELF.fetch(`${BASE}/mcp`, {
    method: "POST",
    headers: {
      authorization: ADMIN,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("", "\u0000", "💥".repeat(300), "x".repeat(600), "'; drop table tasks; --", "Mars/Olympus_Mons"),
  fc.constantFrom("2026-03-01T10:00:00", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00+05:30", "2026-02-30T10:00:00Z"),
  fc.uuid(),
);
const value = fc.oneof(
  weird,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(weird, { maxLength: 2 }),
);
const keys = fc.constantFrom(
  "id",
  "task_id",
  "title",
  "description",
  "status",
  "due_time",
  "source",
  "remind_at",
  "channel",
  "recipient",
  "from",
  "to",
  "tz",
  "limit",
  "cursor",
  "sent",
  "due_before",
  "due_after",
  "idempotency_key",
  "zzz",
);
const args = fc.dictionary(keys, fc.oneof(value, fc.dictionary(keys, value, { maxKeys: 3 })), { maxKeys: 5 });
const toolName = fc.oneof(fc.constantFrom(...TOOLS.map((t) => t.name)), fc.string());

describe("MCP: hostile input", () => {
  it(`answers any tool call with a result or a tool error, never a protocol or server error (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(toolName, args, async (name, input) => {
        const { status, text } = await post(
          JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: input } }),
        );
        expect(status, text.slice(0, 300)).toBe(200);
        const message = JSON.parse(text);
        expect(message.error, text.slice(0, 300)).toBeUndefined();
        if (message.result.isError) {
          expect(message.result._meta.problem.status, text.slice(0, 300)).toBeLessThan(500);
        }
      }),
      { numRuns: RUNS },
    );
  }, 180_000);

  it(`never answers 5xx to a malformed message (${RUNS} cases)`, async () => {
    const message = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .record(
          {
            jsonrpc: fc.oneof(fc.constant("2.0"), weird),
            id: fc.oneof(fc.integer(), weird, fc.constant(null)),
            method: fc.oneof(fc.constantFrom("tools/call", "tools/list", "initialize", "ping"), weird),
            params: fc.oneof(value, args),
          },
          { requiredKeys: [] },
        )
        .map((m) => JSON.stringify(m)),
    );
    await fc.assert(
      fc.asyncProperty(message, async (body) => {
        const { status, text } = await post(body);
        expect(status, text.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  }, 180_000);
});
