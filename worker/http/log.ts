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

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  code?: unknown;
  query?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

// drizzle quotes every identifier it writes; an unquoted word after `update` is `for update skip locked`.
const WRITE = /\b(insert into|update|delete from)\s+"(\w+)"/i;
const READ = /\bfrom\s+"(\w+)"/i;

/** A failed statement named by its first write and table (`insert reminders`), else the table it reads. */
function statementName(query: string) {
  const write = WRITE.exec(query);
  if (write) return `${write[1]!.split(" ")[0]!.toLowerCase()} ${write[2]}`;
  const read = READ.exec(query);
  return read ? `select ${read[1]}` : query.trim().split(/\s/, 1)[0]!.toLowerCase();
}

/** Quoted spans are where Postgres and JSON.parse put the values they choke on. */
const maskQuoted = (message: string) => message.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'");

/**
 * What may be logged of an error: its name and masked message, and for a failed query the
 * statement's name, the SQLSTATE and where it struck. Never drizzle's own message (the SQL and
 * `params:`) nor the driver's `detail`: those carry the parameters, the values a client sent.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as ErrorLike;
  const query = typeof e.query === "string" ? e.query : undefined;
  // drizzle wraps the driver's error in `cause`; a bare driver error carries its code itself.
  const driver = (query !== undefined ? e.cause : e) as ErrorLike | undefined;
  const message = typeof driver?.message === "string" ? maskQuoted(driver.message) : undefined;
  const where = Object.fromEntries(
    (["table", "column", "constraint"] as const).flatMap((k) =>
      typeof driver?.[k] === "string" ? [[k, driver[k]]] : [],
    ),
  );
  return {
    error: typeof e.name === "string" ? e.name : typeof err,
    ...(query !== undefined && { statement: statementName(query) }),
    ...(typeof driver?.code === "string" && { code: driver.code }),
    ...(message !== undefined && { message }),
    ...where,
  };
}
