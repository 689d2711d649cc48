import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { json, problems } from "../http/openapi";
import { problem, problemResponse } from "../http/problem";
import { scoped } from "../middleware/auth";
import { readMcpMessage } from "./message";
import { createMcpServer } from "./server";

const JsonRpcMessage = z
  .looseObject({ jsonrpc: z.literal("2.0") })
  .openapi("JsonRpcMessage", { description: "A JSON-RPC 2.0 message of the Model Context Protocol." });

const DESCRIPTION =
  "The Model Context Protocol server (Streamable HTTP, stateless, JSON responses): point an MCP client at this URL with `Authorization: Bearer <key>`. Connecting needs `tasks:read`; each tool needs the scope of the matching REST route, and a tool the key may not use answers with a tool error naming the scope.";

/** Stateless mode offers no server-initiated stream and no session to end. */
const notAllowed = (method: "get" | "delete") =>
  createRoute({
    method,
    path: "/",
    tags: ["mcp"],
    summary: `Not offered by this stateless MCP server (${method === "get" ? "no server-sent event stream" : "no session"})`,
    ...scoped("tasks:read"),
    responses: { 405: { description: "Only POST is offered: a problem document with `Allow: POST`." }, ...problems() },
  });

function postOnly(c: Context): Response {
  const detail = "This MCP server is stateless: send every message with POST.";
  return problemResponse(c, problem(405, "method-not-allowed", detail), { allow: "POST" });
}

export const mcpRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["mcp"],
      summary: "Send an MCP message (initialize, tools/list, tools/call, …)",
      description: DESCRIPTION,
      ...scoped("tasks:read"),
      responses: {
        200: json(JsonRpcMessage, "The JSON-RPC response; tool failures are results with `isError: true`."),
        202: { description: "A notification or response was accepted." },
        // The transport's own refusals are JSON-RPC errors, as MCP clients expect.
        400: json(JsonRpcMessage, "Not a valid MCP message, or a batch (refused), as a JSON-RPC error."),
        406: json(JsonRpcMessage, "Accept must allow application/json and text/event-stream (a JSON-RPC error)."),
        415: json(JsonRpcMessage, "The body must be application/json (a JSON-RPC error)."),
        ...problems(413),
      },
    }),
    async (c) => {
      const message = await readMcpMessage(c);
      if (message instanceof Response) return message;
      // A fresh server and transport per request: Workers share no I/O objects across requests.
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await createMcpServer(c, { store: c.var.store, principal: c.var.principal }).connect(transport);
      return transport.handleRequest(c.req.raw, message);
    },
  )
  .openapi(notAllowed("get"), postOnly)
  .openapi(notAllowed("delete"), postOnly);
