import type { Context } from "hono";
import { type LogLevel, settingsOf } from "../settings";

type Level = LogLevel;
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The configured level; a bad LOG_LEVEL must not silence the very line that reports it. */
function threshold(env: object | undefined): Level {
  try {
    return env ? settingsOf(env).logLevel : "info";
  } catch {
    return "debug";
  }
}

/**
 * One JSON object per line, always with the request id, so logs can be joined with error bodies.
 * Callers pass facts, never credentials: headers and bodies are not logged.
 */
export function log(c: Context | undefined, level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (RANK[level] < RANK[threshold(c?.env)]) return;
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
