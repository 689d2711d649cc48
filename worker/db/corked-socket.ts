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

/** The fields of pg-cloudflare's socket (1.4, dist/index.js) that its reading loop uses, replaced below. */
interface WorkersSocketFields {
  _cfSocket: { readable: ReadableStream<Uint8Array> };
  _cfReader: { releaseLock(): void };
  emit(event: "data", chunk: Buffer): boolean;
}

/**
 * Bytes a read may take. The default reader hands out 4 KiB at a time: a page of GET /changes
 * (~550 KiB) arrived in ~137 reads, each a promise and a turn of the event loop (~5 ms of the
 * Worker's CPU per page, bench/history.md section 6); with 64 KiB, ~11.
 */
const READ_BYTES = 64 * 1024;

/**
 * The Workers socket with cork() and uncork(), which pg calls around each statement's Parse, Bind,
 * Describe, Execute and Sync (pg/lib/query.js) but which pg-cloudflare's socket lacks: without
 * them each message is its own socket write (and promise), five per statement; corked, they leave
 * as one write. Only pg's own Buffers are written between cork and uncork. It also reads in
 * chunks of up to READ_BYTES (`_listen`).
 */
export function corkable<T extends new (...args: any[]) => WritableSocket>(Socket: T) {
  return class CorkedSocket extends Socket {
    #held: Uint8Array[] | undefined;

    /**
     * pg-cloudflare's reading loop, with a BYOB reader instead of the default one: each read takes
     * whatever has arrived, up to READ_BYTES. pg keeps the chunks it is given, so each is copied out
     * and the buffer is read into again. pg-cloudflare calls this after connecting (and after
     * startTls), with its default reader taken and no read pending.
     */
    async _listen() {
      const self = this as unknown as WorkersSocketFields;
      self._cfReader.releaseLock();
      const reader = self._cfSocket.readable.getReader({ mode: "byob" });
      self._cfReader = reader;
      let buffer = new ArrayBuffer(READ_BYTES);
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || !value) return;
        self.emit("data", Buffer.from(value));
        buffer = value.buffer as ArrayBuffer;
      }
    }

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
