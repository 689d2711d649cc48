import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * The official MCP SDK client, connected to `url` (the Worker's `/mcp`) with `authorization` as an
 * agent would send it; `fetch` routes the requests elsewhere (the Worker under test, in workerd).
 */
export async function connectMcp(url: string, authorization?: string, fetch?: typeof globalThis.fetch) {
  const client = new Client({ name: "openclaw-sync-tests", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: authorization ? { authorization } : {} },
    ...(fetch ? { fetch } : {}),
  });
  await client.connect(transport);
  return client;
}

/** Calls a tool and returns its result as the SDK parsed it. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Calls a tool that must succeed and returns its structured result. */
export async function callToolOk(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await callTool(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as any;
}

/** The text of a tool result (what a model reads). */
export const toolText = (result: CallToolResult) =>
  result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");

/** The problem document of a tool error (it travels in `_meta`), as the REST API would answer it. */
export const problemOf = (result: CallToolResult) => (result._meta as { problem?: any } | undefined)?.problem;
