import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { settingsOf } from "../settings";
import { createMcpServer } from "./server";

/**
 * Answers one MCP message. Its own module, loaded on the first POST /mcp: the MCP SDK, its ajv and
 * the tools' schemas are a third of the bundle and would cost every isolate's startup (issue #21).
 */
export async function answerMcpMessage(c: Context<HonoEnv>, message: { parsedBody: unknown }) {
  // A fresh server and transport per request: Workers share no I/O objects across requests.
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await createMcpServer(c, {
    store: c.var.store,
    principal: c.var.principal,
    webhooks: settingsOf(c.env).webhooks,
  }).connect(transport);
  return transport.handleRequest(c.req.raw, message);
}
