import WebSocket from "ws";

const ID_FIELD = '"id":"';
const UUID_LENGTH = 36;

/**
 * The change id a room message carries: the first `"id":"…"` in it, which is the change's own `id`
 * (it is serialized before `data`). Read without JSON.parse, so the receiving process spends as
 * little as possible per message: it receives for both systems, and its cost is in both.
 */
export function changeId(text: string): string | undefined {
  const at = text.indexOf(ID_FIELD);
  return at < 0 ? undefined : text.slice(at + ID_FIELD.length, at + ID_FIELD.length + UUID_LENGTH);
}

/** Many WebSocket clients in this process, stamping each message's arrival on this process's clock. */
export interface ListeningClients {
  count: number;
  /** performance.now() of every arrival, by the change id the message carries. */
  arrivals: Map<string, number[]>;
  /** Messages with a change id received so far, by all clients together. */
  total(): number;
  /** The text of the first message seen for `id`. */
  firstMessage(id: string): string | undefined;
  /**
   * Resolves true once `done()` holds (checked after every message), or false once no message has
   * arrived for `idleMs`: a missing message must not stall the run, it is counted instead.
   */
  settle(done: () => boolean, idleMs: number): Promise<boolean>;
  close(): void;
}

/**
 * Opens `count` clients to the URL `socketUrl()` gives (asked once per batch, so a room token stays
 * fresh), `batch` connecting at a time so the handshakes do not time out on a busy machine.
 */
export async function openClients(
  count: number,
  socketUrl: () => Promise<string>,
  batch = 50,
): Promise<ListeningClients> {
  const sockets: WebSocket[] = [];
  const arrivals = new Map<string, number[]>();
  const first = new Map<string, string>();
  let total = 0;
  let wake: (() => void) | undefined;

  const receive = (data: WebSocket.RawData) => {
    const at = performance.now();
    const text = data.toString();
    const id = changeId(text);
    if (!id) return;
    const times = arrivals.get(id);
    if (times) times.push(at);
    else {
      arrivals.set(id, [at]);
      first.set(id, text);
    }
    total++;
    wake?.();
  };

  const close = () => {
    for (const socket of sockets) socket.terminate();
  };

  try {
    while (sockets.length < count) {
      const url = await socketUrl();
      const opening = Array.from({ length: Math.min(batch, count - sockets.length) }, () => {
        // Browsers offer compression; neither system is asked for it, so both send the same plain frames.
        const socket = new WebSocket(url, { perMessageDeflate: false });
        sockets.push(socket);
        socket.on("message", receive);
        return new Promise<void>((resolve, reject) => {
          socket.once("open", () => resolve());
          // Kept for the socket's life: a client dropped later shows up as missing receipts, not a crash.
          socket.on("error", reject);
          socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
        });
      });
      await Promise.all(opening);
    }
  } catch (err) {
    close();
    throw err;
  }

  return {
    count,
    arrivals,
    total: () => total,
    firstMessage: (id) => first.get(id),
    settle(done, idleMs) {
      return new Promise((resolve) => {
        if (done()) return resolve(true);
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          wake = undefined;
          resolve(ok);
        };
        const timer = setTimeout(finish, idleMs, false);
        wake = () => (done() ? finish(true) : timer.refresh());
      });
    },
    close,
  };
}
