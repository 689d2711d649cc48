import type { Duplex } from "node:stream";

type WriteCallback = (err?: Error | null) => void;

/** What pg calls on its stream to write; the Workers socket (pg-cloudflare) has these and no more. */
export interface WritableSocket {
  write(
    data: Uint8Array | string,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean;
}

/**
 * The Workers socket with cork() and uncork(), which pg calls around each statement's Parse, Bind,
 * Describe, Execute and Sync (pg/lib/query.js) but which pg-cloudflare's socket lacks: without
 * them each message is its own socket write (and promise), five per statement; corked, they leave
 * as one write. Only pg's own Buffers are written between cork and uncork.
 */
export function corkable<T extends new (...args: any[]) => WritableSocket>(Socket: T) {
  return class CorkedSocket extends Socket {
    #held: Uint8Array[] | undefined;

    cork() {
      this.#held ??= [];
    }

    uncork() {
      const held = this.#held;
      this.#held = undefined;
      if (held?.length) super.write(held.length === 1 ? held[0]! : Buffer.concat(held));
    }

    override write(
      data: Uint8Array | string,
      encodingOrCallback?: BufferEncoding | WriteCallback,
      callback?: WriteCallback,
    ) {
      if (!this.#held || typeof data === "string") return super.write(data, encodingOrCallback, callback);
      this.#held.push(data);
      // pg passes no callback; one that is passed hears of the write when it is queued.
      (typeof encodingOrCallback === "function" ? encodingOrCallback : callback)?.();
      return true;
    }
  };
}

export type SocketClass = new (ssl: boolean) => Duplex;
