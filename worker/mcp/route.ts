import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../env";
import { empty, json, problems } from "../http/openapi";
import { z } from "../http/zod";
import { scoped } from "../middleware/auth";
import { IDLE_STREAM_SECONDS, idleEventStream } from "./idle-stream";
import { readMcpMessage } from "./message";

const JsonRpcMessage = z
  .looseObject({ jsonrpc: z.literal("2.0") })
  .openapi("JsonRpcMessage", { description: "A JSON-RPC 2.0 message of the Model Context Protocol." });

const DESCRIPTION =
  "The Model Context Protocol server (Streamable HTTP, stateless, JSON responses): point an MCP client at this URL with `Authorization: Bearer <key>`, or let it sign in with OAuth 2.1 (a 401 names the protected-resource metadata in `WWW-Authenticate`, RFC 9728; its access token acts as the API key pasted on the consent page). POST carries one JSON-RPC message and gets its answer as JSON; no `Mcp-Session-Id` is issued. Connecting needs `tasks:read`; each tool needs the scope of the matching REST route, and a tool the key may not use answers with a tool error naming the scope.";

export const mcpRoutes = new OpenAPIHono<HonoEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["mcp"],
      operationId: "sendMcpMessage",
      summary: "Send an MCP message (initialize, tools/list, tools/call, …)",
      description: DESCRIPTION,
      ...scoped("tasks:read"),
      responses: {
        200: json(JsonRpcMessage, "The JSON-RPC response; tool failures are results with `isError: true`."),
        202: empty("A notification or response was accepted."),
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
      return (await import("./answer")).answerMcpMessage(c, message);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["mcp"],
      operationId: "openMcpEventStream",
      summary: "Listen for server messages (an idle event stream)",
      description: `The Streamable HTTP listening stream. This stateless server sends no messages of its own, so the stream carries only SSE comments (one every 15 s) and closes after ${IDLE_STREAM_SECONDS} s; \`retry\` says when to reconnect. Needs the same credential as POST.`,
      ...scoped("tasks:read"),
      responses: {
        200: {
          description: "An idle `text/event-stream`.",
          content: { "text/event-stream": { schema: { type: "string" } } },
        },
        ...problems(),
      },
    }),
    () => idleEventStream(),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/",
      tags: ["mcp"],
      operationId: "closeMcpSession",
      summary: "End an MCP session (nothing to end: acknowledged)",
      description:
        "Clients send DELETE when they close. The server keeps no session, so there is nothing to end; it answers 200 so clients close cleanly.",
      ...scoped("tasks:read"),
      responses: { 200: empty("Acknowledged."), ...problems() },
    }),
    (c) => c.body(null, 200),
  );
