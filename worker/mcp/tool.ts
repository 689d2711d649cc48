import { z } from "@hono/zod-openapi";
import type { CallToolResult, Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import type { ApiScope } from "../db/schema";
import type { HonoEnv } from "../env";
import { log } from "../http/log";
import { problemFor } from "../http/on-error";
import { invalidInput } from "../http/validation";
import { assertScope } from "../middleware/auth";
import type { Principal } from "../services/api-keys";
import type { Store } from "../services/store";

/** What a tool runs with: the services' store and who the caller is. */
export interface ToolContext {
  store: Store;
  principal: Principal;
}

/**
 * One MCP tool: a REST operation's schema and service call, described for a language model. `run`
 * makes exactly one service call and shapes its result as the REST API would; no rules live here.
 */
export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  /** The scope the matching REST route needs; a key without it gets a tool error naming it. */
  scope: ApiScope;
  input: S;
  /** Descriptions of top-level arguments, for the model (the schema itself comes from `input`). */
  arguments?: Record<string, string>;
  annotations: Omit<ToolAnnotations, "title">;
  run(context: ToolContext, args: z.output<S>): Promise<Record<string, unknown>>;
}

/** Keeps the argument types of `run` tied to the tool's schema. */
export const defineTool = <S extends z.ZodType>(tool: ToolDefinition<S>): ToolDefinition => tool as ToolDefinition;

/** Every timestamp rule a model must follow, said once and repeated in each tool that takes times. */
export const TIME_RULE =
  "Timestamps are ISO 8601 and must carry an explicit UTC offset, e.g. 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z; one without an offset is refused. Use the user's own offset for that date (mind daylight saving time). If you do not know the user's time zone, ask them; never guess one. Results give times in UTC (Z).";

type JsonSchema = { [key: string]: unknown };

/** `anyOf` inside `anyOf` (nullable twice over, as drizzle-zod builds it) said once. */
function flatAnyOf(options: unknown[]): unknown[] {
  const flat = options.flatMap((o) =>
    o && typeof o === "object" && Object.keys(o).length === 1 && "anyOf" in o ? flatAnyOf(o.anyOf as unknown[]) : [o],
  );
  return flat.filter((o, i) => flat.findIndex((p) => JSON.stringify(p) === JSON.stringify(o)) === i);
}

/**
 * The JSON Schema a client sees for `input`: what the schema accepts (before transforms), trimmed
 * for a model's context. The long regular expressions zod emits next to `format` are dropped: the
 * format says the same to a model, and the server checks every argument anyway.
 */
function inputJsonSchema(tool: ToolDefinition): Tool["inputSchema"] {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== "object") return node;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$schema" || (key === "pattern" && "format" in node)) continue;
      out[key] = key === "anyOf" && Array.isArray(value) ? flatAnyOf(value).map(strip) : strip(value);
    }
    return out;
  };
  const schema = strip(z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" })) as JsonSchema & {
    properties?: Record<string, JsonSchema>;
  };
  for (const [name, description] of Object.entries(tool.arguments ?? {})) {
    const property = schema.properties?.[name];
    if (property) property.description = description;
  }
  return { ...schema, type: "object" };
}

/** The tool as `tools/list` shows it. */
export function describeTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: `${tool.description}\n\nNeeds the API key scope '${tool.scope}'.`,
    inputSchema: inputJsonSchema(tool),
    annotations: { title: tool.title, openWorldHint: false, ...tool.annotations },
  };
}

const result = (data: Record<string, unknown>): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(data) }],
  structuredContent: data,
});

/**
 * Runs a tool call as the REST API would run the request: scope, then validation, then the service.
 * Every failure becomes a tool error (`isError: true`) carrying the API's problem document, so the
 * model reads the same message a REST caller would, never a protocol failure.
 */
export async function callTool(
  c: Context<HonoEnv>,
  tool: ToolDefinition,
  context: ToolContext,
  args: unknown,
): Promise<CallToolResult> {
  try {
    assertScope(context.principal, tool.scope);
    const parsed = await tool.input.safeParseAsync(args ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const data = await tool.run(context, parsed.data);
    log(c, "info", "tool call", { tool: tool.name, status: "ok", key_id: context.principal.id });
    return result(data);
  } catch (err) {
    const { problem } = problemFor(err instanceof Error ? err : new Error(String(err)), c);
    log(c, "info", "tool call", { tool: tool.name, status: problem.status, key_id: context.principal.id });
    const fields = (problem.errors ?? []).map((e) => `- ${e.path || "(arguments)"}: ${e.message}`);
    return {
      isError: true,
      content: [{ type: "text", text: [problem.detail, ...(fields.length > 1 ? fields : [])].join("\n") }],
      structuredContent: { ...problem, request_id: c.var.requestId },
    };
  }
}
