import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { ApiScope } from "../db/schema";
import { z } from "../http/zod";
import type { Principal } from "../services/api-keys";
import type { Store } from "../services/store";
import type { WebhookSettings } from "../settings";
import { toolJsonSchema } from "./json-schema";

/** What a tool runs with: the services' store, who the caller is, and the settings a service takes. */
export interface ToolContext {
  store: Store;
  principal: Principal;
  webhooks: WebhookSettings;
}

/**
 * One MCP tool: a REST operation's schemas and service call, described for a language model. `run`
 * makes exactly one service call and shapes its result as the REST API would; no rules live here.
 */
export interface ToolDefinition<S extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  /** The scope the matching REST route needs; a key without it gets a tool error naming it. */
  scope: ApiScope;
  input: S;
  /** The result's schema: the REST response's, so `structuredContent` is what REST would answer. */
  output: O;
  /** Descriptions of top-level arguments, for the model (the schema itself comes from `input`). */
  arguments?: Record<string, string>;
  /** `readOnlyHint: false` makes it a write tool, which takes an `idempotency_key`. */
  annotations: Omit<ToolAnnotations, "title">;
  /** Result fields never stored for an idempotent replay (a secret), each with why; as REST's `withholdOnReplay`. */
  withholdOnReplay?: Record<string, string>;
  run(context: ToolContext, args: z.output<S>): Promise<z.output<O>>;
}

/** Keeps the argument and result types of `run` tied to the tool's schemas. */
export const defineTool = <S extends z.ZodType, O extends z.ZodType>(tool: ToolDefinition<S, O>): ToolDefinition =>
  tool as unknown as ToolDefinition;

/** Whether the tool changes anything, and so takes an `idempotency_key` as REST takes the header. */
export const isWriteTool = (tool: ToolDefinition) => tool.annotations.readOnlyHint !== true;

/** A delete tool's result: what was deleted (REST answers 204 with no body). */
export const Deleted = <E extends "task" | "reminder">(entity: E) =>
  z.object({ deleted: z.literal(entity), id: z.uuid() });

/** Every timestamp rule a model must follow, said once and repeated in each tool that takes times. */
export const TIME_RULE =
  "Timestamps are ISO 8601 and must carry an explicit UTC offset, e.g. 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z; one without an offset is refused. Use the user's own offset for that date (mind daylight saving time). If you do not know the user's time zone, ask them; never guess one. Results give times in UTC (Z).";

/** The optional argument of every write tool, with the REST `Idempotency-Key` header's rules. */
export const IdempotencyKeyArgument = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "must be 1–255 visible ASCII characters")
  .optional();

const IDEMPOTENCY_KEY_DESCRIPTION =
  "Optional: a unique string (1–255 visible ASCII characters, e.g. a UUID) for this change. If your call may have been lost and you retry it with the same key and the same arguments, the first result comes back instead of the change happening twice (kept 24 hours). The same key with other arguments is refused.";

/** The tool as `tools/list` shows it. */
export function describeTool(tool: ToolDefinition): Tool {
  const input = toolJsonSchema(tool.input, "input");
  for (const [name, description] of Object.entries(tool.arguments ?? {})) {
    const property = input.properties?.[name];
    if (property) property.description = description;
  }
  if (isWriteTool(tool)) {
    input.properties = {
      ...input.properties,
      idempotency_key: { ...toolJsonSchema(IdempotencyKeyArgument, "input"), description: IDEMPOTENCY_KEY_DESCRIPTION },
    };
  }
  return {
    name: tool.name,
    title: tool.title,
    description: `${tool.description}\n\nNeeds the API key scope '${tool.scope}'.`,
    inputSchema: { ...input, type: "object" },
    outputSchema: { ...toolJsonSchema(tool.output, "output"), type: "object" },
    annotations: { title: tool.title, openWorldHint: false, ...tool.annotations },
  };
}
