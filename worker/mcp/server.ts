import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import pkg from "../../package.json";
import type { HonoEnv } from "../env";
import { callTool, describeTool, TIME_RULE, type ToolContext } from "./tool";
import { agendaTool } from "./tools/agenda";
import { reminderTools } from "./tools/reminders";
import { taskTools } from "./tools/tasks";

export const TOOLS = [...taskTools, ...reminderTools, agendaTool];
const byName = new Map(TOOLS.map((tool) => [tool.name, tool]));

const INSTRUCTIONS = `OpenClaw Sync holds the user's tasks and reminders: the one list their agents (Telegram, WhatsApp, others) and their dashboard share. Read it before answering questions about what the user has to do, and write to it when they ask you to remember, track, finish or be reminded of something. ${TIME_RULE} Tool errors say what was wrong (the field or the missing scope); fix the arguments and try again, or tell the user when the key lacks a scope.`;

/**
 * An MCP server for one request (stateless Streamable HTTP: nothing outlives the request). It is
 * the low-level `Server` rather than `McpServer` because tools here validate their arguments
 * themselves, with the REST API's schemas and its error messages, and check the key's scope.
 */
export function createMcpServer(c: Context<HonoEnv>, context: ToolContext) {
  const server = new Server(
    { name: "openclaw-sync", title: "OpenClaw Sync", version: pkg.version },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS.map(describeTool) }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      return {
        isError: true,
        content: [
          { type: "text", text: `No tool named '${request.params.name}'; tools/list names the ${TOOLS.length} tools.` },
        ],
      };
    }
    return callTool(c, tool, context, request.params.arguments);
  });
  return server;
}
