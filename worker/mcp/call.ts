import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { log } from "../http/log";
import { problemFor } from "../http/on-error";
import { type Problem, problem } from "../http/problem";
import { invalidInput } from "../http/validation";
import { z } from "../http/zod";
import { assertScope } from "../middleware/auth";
import { sha256Hex } from "../services/api-keys";
import { type Outcome, runOnce, withholdFields } from "../services/idempotency";
import type { Store } from "../services/store";
import { IdempotencyKeyArgument, isWriteTool, type ToolContext, type ToolDefinition } from "./tool";

type Arguments = Record<string, unknown>;
type Meta = { idempotent_replayed?: true };

const success = (data: unknown, meta: Meta = {}): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(data) }],
  structuredContent: data as Record<string, unknown>,
  ...(meta.idempotent_replayed ? { _meta: meta } : {}),
});

/**
 * A tool error: the problem's message for the model, the problem document itself in `_meta`. Not
 * in `structuredContent`: MCP clients check that against the tool's `outputSchema` even on an error
 * (modelcontextprotocol/typescript-sdk #1943) and would throw instead of showing the message.
 */
export function toolError(c: Context<HonoEnv>, body: Problem, meta: Meta = {}): CallToolResult {
  const fields = (body.errors ?? []).map((e) => `- ${e.path || "(arguments)"}: ${e.message}`);
  return {
    isError: true,
    content: [{ type: "text", text: [body.detail, ...(fields.length > 1 ? fields : [])].join("\n") }],
    _meta: { problem: { ...body, request_id: c.var.requestId }, ...meta },
  };
}

/** The write tool's `idempotency_key`, checked, and the arguments without it. */
function takeIdempotencyKey(tool: ToolDefinition, args: Arguments): [string | undefined, Arguments] {
  if (!isWriteTool(tool) || !("idempotency_key" in args)) return [undefined, args];
  const { idempotency_key, ...rest } = args;
  const checked = z.object({ idempotency_key: IdempotencyKeyArgument }).safeParse({ idempotency_key });
  if (!checked.success) throw invalidInput(checked.error);
  return [checked.data.idempotency_key, rest];
}

/**
 * Runs a tool call as the REST API would run the request: scope, then validation, then the service.
 * Every failure becomes a tool error (`isError: true`) carrying the API's problem document, so the
 * model reads the same message a REST caller would, never a protocol failure.
 */
export async function callTool(
  c: Context<HonoEnv>,
  tool: ToolDefinition,
  context: ToolContext,
  args: Arguments = {},
): Promise<CallToolResult> {
  const outcome = (status: number | "ok" | "error" | "replayed") =>
    log(c, "info", "tool call", { tool: tool.name, status, key_id: context.principal.id });
  try {
    assertScope(context.principal, tool.scope);
    const [key, input] = takeIdempotencyKey(tool, args);
    const parsed = await tool.input.safeParseAsync(input);
    if (!parsed.success) throw invalidInput(parsed.error);
    const run = (store = context.store) => tool.run({ ...context, store }, parsed.data);
    if (key === undefined) {
      const data = await run();
      outcome("ok");
      return success(data);
    }
    const result = await runOnceAsTool(c, context, {
      key,
      request: `tool ${tool.name}\n${JSON.stringify(input)}`,
      run,
      withhold: tool.withholdOnReplay,
    });
    outcome(result._meta?.idempotent_replayed ? "replayed" : result.isError ? "error" : "ok");
    return result;
  } catch (err) {
    const { problem: body } = problemFor(err instanceof Error ? err : new Error(String(err)), c);
    outcome(body.status);
    return toolError(c, body);
  }
}

/**
 * A write tool's call under an `idempotency_key`, with the REST header's semantics and store: the
 * first outcome (a result or a 4xx tool error) is kept and replayed to a retry with the same key and
 * arguments; the same key with other arguments is refused (422). A retry while the first call still
 * runs waits for its result, or is refused (409) after 3 s. A 5xx is not kept and what the call
 * wrote is rolled back, so the retry runs again.
 */
async function runOnceAsTool(
  c: Context<HonoEnv>,
  { store, principal }: ToolContext,
  call: { key: string; request: string; run: (store: Store) => Promise<unknown>; withhold?: Record<string, string> },
): Promise<CallToolResult> {
  const claim = { owner: principal.id, key: call.key, requestHash: await sha256Hex(call.request) };
  const result = await runOnce(store, {
    ...claim,
    work: async (tx): Promise<Outcome<CallToolResult>> => {
      try {
        const data = await call.run(tx);
        const body = JSON.stringify(data);
        return {
          value: success(data),
          keep: { status: 200, headers: {}, body: call.withhold ? withholdFields(body, call.withhold) : body },
        };
      } catch (err) {
        const { problem: body } = problemFor(err instanceof Error ? err : new Error(String(err)), c);
        return {
          value: toolError(c, body),
          keep: body.status >= 500 ? "undo" : { status: body.status, headers: {}, body: JSON.stringify(body) },
        };
      }
    },
  });
  if (result.kind === "ran") return result.value;
  if (result.kind === "mismatch") {
    const detail = "This idempotency_key was used for a different call; use a new key.";
    return toolError(c, problem(422, "idempotency-key-reused", detail));
  }
  if (result.kind === "in-progress") {
    const detail = "A call with this idempotency_key is still running; retry shortly.";
    return toolError(c, problem(409, "idempotency-key-in-progress", detail));
  }
  const { status, body } = result.response;
  const replayed = { idempotent_replayed: true } as const;
  return status < 400 ? success(JSON.parse(body), replayed) : toolError(c, JSON.parse(body) as Problem, replayed);
}
