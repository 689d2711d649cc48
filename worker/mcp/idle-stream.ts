/**
 * How long `GET /mcp`'s stream stays open. This server is stateless and never sends a message of
 * its own, so the stream only tells clients that the endpoint is there; closing it after a bounded
 * time keeps an idle client from holding a connection open for ever. Clients reconnect (the
 * `retry` field says when).
 */
export const IDLE_STREAM_SECONDS = 45;
const KEEP_ALIVE_SECONDS = 15;
const RECONNECT_AFTER_MS = 15_000;

/**
 * The idle `text/event-stream` MCP clients open with GET to listen for server messages (Streamable
 * HTTP). It carries only SSE comments: one at once, so the client knows the stream is up, and one
 * every 15 s, since clients give up on a silent stream (openclaw/openclaw #154101: claude-cli
 * drops it after 6 minutes without a byte). OpenClaw's own loopback server answers the same way
 * (openclaw/openclaw PR #89851); a 405 here fails OpenClaw's client with -32001 (#137476).
 */
export function idleEventStream(seconds = IDLE_STREAM_SECONDS): Response {
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let end: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearInterval(keepAlive);
    clearTimeout(end);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(`retry: ${RECONNECT_AFTER_MS}\n: stateless MCP server, no messages to send\n\n`),
      );
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), KEEP_ALIVE_SECONDS * 1000);
      end = setTimeout(() => {
        stop();
        controller.close();
      }, seconds * 1000);
    },
    cancel: stop,
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" },
  });
}
