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
