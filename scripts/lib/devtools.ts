import WebSocket from "ws";

/**
 * A minimal Chrome DevTools Protocol client for the Worker's isolate under `wrangler dev`
 * (`RunningWorker.inspectorUrl`): `send` resolves with a command's result, or `{ error }` when the
 * inspector refused it. The bench's profiler and the attachment memory test use it.
 */
export async function devtools(inspectorUrl: string) {
  const targets = (await (await fetch(`${inspectorUrl}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let id = 0;
  const pending = new Map<number, (result: any) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? { error: message.error });
  });
  const send = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}
