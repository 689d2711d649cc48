import { signatureHeaders } from "./sign";

/** What one attempt came to, as the delivery log records it. */
export interface Attempt {
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** The first KiB of the answer. */
  body: string | null;
  error: string | null;
  /** `Retry-After` in seconds, when the receiver sent one (seconds or an HTTP date). */
  retryAfterSeconds?: number;
}

const BODY_LOG_BYTES = 1024;

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : undefined;
}

/** Reads at most `limit` bytes of a body and drops the rest, so a huge answer costs nothing. */
async function head(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * POSTs one signed event. Only a 2xx succeeds; a redirect is a failure and is never followed (its
 * target was never checked against the URL policy). The whole call, answer included, is bounded by
 * `timeoutMs`.
 */
export async function sendEvent(
  target: { url: string; secret: string },
  event: { id: string; body: string },
  timeoutMs: number,
): Promise<Attempt> {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const headers = await signatureHeaders(target.secret, event.id, new Date(), event.body);
    const res = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "openclaw-sync-webhooks/1", ...headers },
      body: event.body,
      redirect: "manual",
      signal,
    });
    const body = await head(res, BODY_LOG_BYTES);
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400;
    return {
      ok,
      status: res.status,
      durationMs: Date.now() - started,
      body,
      error: ok ? null : redirect ? "redirects are not followed" : `HTTP ${res.status}`,
      retryAfterSeconds: retryAfter(res.headers.get("retry-after")),
    };
  } catch (err) {
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : String((err as Error).message ?? err);
    return { ok: false, status: null, durationMs: Date.now() - started, body: null, error: reason.slice(0, 300) };
  }
}
