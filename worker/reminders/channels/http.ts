import { type DeliveryResult, permanent, transient } from "./channel";

export interface HttpReply {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any;
  /** From a `Retry-After: <seconds>` header, when the provider sent one. */
  retryAfterSeconds?: number;
}

/**
 * POSTs JSON and reads the reply, or says why no reply came. A network error or a timeout is
 * transient: the message may not have left, and trying again later is the only remedy. Error text
 * never includes the URL, which for Telegram carries the bot token.
 */
export async function postJson(
  url: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpReply | DeliveryResult> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(payload),
      signal,
    });
    text = await res.text();
  } catch (err) {
    const message = ((err as Error).message ?? String(err)).replace(/https?:\/\/\S+/g, "<url>");
    const reason = signal.aborted ? "no answer in time" : message.slice(0, 200);
    return transient(`network error: ${reason}`);
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): keep the text for the error message.
  }
  const retryAfter = Number(res.headers.get("retry-after"));
  return { status: res.status, body, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) };
}

export const isReply = (r: HttpReply | DeliveryResult): r is HttpReply => "status" in r;

/**
 * The common rule for an HTTP failure: rate limits (429), timeouts (408) and server errors (5xx) pass,
 * so they are retried; any other 4xx means the request itself is wrong and will not improve.
 */
export function classifyStatus(status: number, message: string, retryAfterSeconds?: number): DeliveryResult {
  const error = `HTTP ${status}: ${message}`.slice(0, 1000);
  if (status === 429 || status === 408 || status >= 500) return transient(error, retryAfterSeconds);
  return permanent(error);
}

/** A short, safe rendering of a body we could not interpret. */
export const describeBody = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body)).slice(0, 300);

/**
 * Runs `call` with a signal that aborts with `signal` or after `ms`, whichever comes first. The
 * timer is cleared when the call settles (workerd allows 10,000 live timers per invocation).
 */
export async function within<T>(signal: AbortSignal, ms: number, call: (signal: AbortSignal) => Promise<T>) {
  const controller = new AbortController();
  const abort = () => controller.abort(signal.reason);
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), ms);
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", abort);
  }
}
