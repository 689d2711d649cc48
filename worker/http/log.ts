import type { Context } from "hono";

type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * One JSON object per line, always with the request id, so logs can be joined with error bodies.
 * Callers pass facts, never credentials: headers and bodies are not logged.
 */
export function log(c: Context | undefined, level: Level, msg: string, fields: Record<string, unknown> = {}) {
  const threshold = (c?.env as { LOG_LEVEL?: Level } | undefined)?.LOG_LEVEL ?? "info";
  if (RANK[level] < (RANK[threshold] ?? RANK.info)) return;
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
