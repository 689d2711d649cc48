/**
 * Whether an error means the database could not serve the request (down, unreachable, overloaded,
 * or a statement cancelled by its timeout) rather than a bug: these become 503 with Retry-After.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  const code = typeof e.code === "string" ? e.code : "";
  // SQLSTATE class 08 connection exceptions; 57P0x shutdowns; 57014 statement timeout / cancel;
  // 53xxx insufficient resources; 40001/40P01 serialization failure and deadlock (retryable).
  if (/^(08|57P0|53)/.test(code) || code === "57014" || code === "40001" || code === "40P01") return true;
  // Network-level codes, and what workerd's socket layer raises on a refused connection.
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|CONNECT_TIMEOUT|CONNECTION_)/.test(code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  if (
    /connection (attempt failed|refused|reset|closed|terminated)|network connection lost|socket|Hyperdrive|timeout (exceeded|expired)/i.test(
      message,
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

/** What a stored instant outside the range stands for, by the CHECK constraint that refused it. */
const RANGE_FIELDS: Record<string, string> = {
  tasks_due_time_range: "due_time",
  tasks_due_date_range: "due_date",
  // The anchor is the due itself, or the all-day reminder hour on due_date.
  tasks_reminder_anchor_range: "due_date",
  // Input times are checked before any statement, so these come from an offset added to a due.
  reminders_remind_at_range: "offset_minutes",
  reminders_next_attempt_at_range: "offset_minutes",
};

/**
 * The field behind a CHECK violation of the instant range (db/instant-range.ts), if that is what
 * `err` is: a computed time (a due plus a reminder's offset) that fell outside it.
 */
export function instantRangeField(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | null; e && typeof e === "object"; ) {
    if (e.code === "23514" && typeof e.constraint === "string") return RANGE_FIELDS[e.constraint];
    if (e.cause === e) break;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The SQLSTATE of a driver error, whether drizzle wrapped it (as `cause`) or not. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}
