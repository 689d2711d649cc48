import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { Context } from "hono";
import pkg from "../../package.json";
import type { HonoEnv } from "../env";
import { problem } from "../http/problem";
import { callTool, toolError } from "./call";
import { describeTool, TIME_RULE, type ToolContext } from "./tool";
import { agendaTool } from "./tools/agenda";
import { attachmentTools } from "./tools/attachments";
import { peopleTools } from "./tools/people";
import { projectTools } from "./tools/projects";
import { reminderTools } from "./tools/reminders";
import { taskTools } from "./tools/tasks";
import { webhookTools } from "./tools/webhooks";

export const TOOLS = [
  ...taskTools,
  ...attachmentTools,
  ...projectTools,
  ...peopleTools,
  ...reminderTools,
  agendaTool,
  ...webhookTools,
];
const byName = new Map(TOOLS.map((tool) => [tool.name, tool]));
// The list is constant and costs milliseconds of CPU to build (JSON Schema from zod): once per isolate.
let toolList: Tool[] | undefined;
const listTools = () => {
  toolList ??= TOOLS.map(describeTool);
  return toolList;
};

const INSTRUCTIONS = `OpenClaw Sync holds the user's tasks and reminders: the one list their agents (Telegram, WhatsApp, others) and their dashboard share. Read it before answering questions about what the user has to do, and write to it when they ask you to remember, track, finish or be reminded of something. ${TIME_RULE} Tool errors say what was wrong (the field or the missing scope); fix the arguments and try again, or tell the user when the key lacks a scope.`;

/**
 * The SDK validates JSON Schema only for answers to elicitation (asking the user for input), which
 * this server never does; its default validator builds Ajv, several milliseconds of CPU per request.
 */
const noElicitation: jsonSchemaValidator = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: "This server does not elicit input." }),
};

/**
 * An MCP server for one request (stateless Streamable HTTP: nothing outlives the request). It is
 * the low-level `Server` rather than `McpServer` because tools here validate their arguments
 * themselves, with the REST API's schemas and its error messages, and check the key's scope.
 */
export function createMcpServer(c: Context<HonoEnv>, context: ToolContext) {
  const server = new Server(
    { name: "openclaw-sync", title: "OpenClaw Sync", version: pkg.version },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: noElicitation },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      const detail = `No tool named '${request.params.name.slice(0, 64)}'; tools/list names the ${TOOLS.length} tools.`;
      return toolError(c, problem(404, "not-found", detail));
    }
    return callTool(c, tool, context, request.params.arguments);
  });
  return server;
}
