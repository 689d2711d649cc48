import type { Context } from "hono";

type Level = "debug" | "info" | "warn" | "error";

/**
 * One JSON object per line, always with the request id, so logs can be joined with error bodies.
 * Callers pass facts, never credentials: headers and bodies are not logged.
 */
export function log(c: Context | undefined, level: Level, msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({
    level,
    msg,
    request_id: c?.get("requestId"),
    time: new Date().toISOString(),
    ...fields,
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
