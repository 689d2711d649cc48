import { z } from "../http/zod";

type JsonSchema = { [key: string]: unknown };

/** `anyOf` inside `anyOf` (nullable twice over, as drizzle-zod builds it) said once. */
function flatAnyOf(options: unknown[]): unknown[] {
  const flat = options.flatMap((o) =>
    o && typeof o === "object" && Object.keys(o).length === 1 && "anyOf" in o ? flatAnyOf(o.anyOf as unknown[]) : [o],
  );
  return flat.filter((o, i) => flat.findIndex((p) => JSON.stringify(p) === JSON.stringify(o)) === i);
}

/**
 * The JSON Schema a client sees for a tool's arguments (`io: "input"`, what the schema accepts
 * before transforms) or its result (`"output"`), trimmed for a model's context. The long regular
 * expressions zod emits next to `format` are dropped: the format says the same to a model and to a
 * validator, and the server checks every argument anyway.
 */
export function toolJsonSchema(schema: z.ZodType, io: "input" | "output") {
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
  return strip(z.toJSONSchema(schema, { io, unrepresentable: "any" })) as JsonSchema & {
    properties?: Record<string, JsonSchema>;
  };
}
