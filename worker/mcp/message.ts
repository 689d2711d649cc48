import type { Context } from "hono";
import type { HonoEnv } from "../env";

/** A transport-level refusal in the shape the SDK's own takes, which MCP clients understand. */
function jsonRpcError(code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status: 400,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The body of a POST /mcp, parsed once and handed to the transport as `parsedBody`. It is read
 * through Hono's body cache, so it is still there after the idempotency middleware hashed it (the
 * raw request's stream is spent by then).
 *
 * A JSON array is a JSON-RPC batch, refused whatever protocol version the client negotiates: the
 * SDK still accepts 2025-03-26, which allowed batches, but MCP dropped them in 2025-06-18, and one
 * request carrying a hundred calls would count once against the key's rate limit.
 */
export async function readMcpMessage(c: Context<HonoEnv>): Promise<{ parsedBody: unknown } | Response> {
  // Read outside the try: a body over the limit throws the app's 413, not a parse error.
  const text = await c.req.text();
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(text);
  } catch {
    return jsonRpcError(-32700, "Parse error: Invalid JSON");
  }
  if (Array.isArray(parsedBody)) {
    return jsonRpcError(-32600, "Invalid Request: batches are not supported; send one JSON-RPC message per request.");
  }
  return { parsedBody };
}
