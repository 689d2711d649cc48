import { describe, expect, it } from "vitest";
import { corkable, type WritableSocket } from "./corked-socket";

/** A socket that records each write it is asked for, as the Workers socket would send each one. */
class RecordingSocket implements WritableSocket {
  writes: Uint8Array[] = [];
  write(data: Uint8Array | string) {
    this.writes.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
    return true;
  }
}

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("corkable (one socket write per statement)", () => {
  it("sends what was written between cork and uncork as one write, in order", () => {
    const socket = new (corkable(RecordingSocket))();
    socket.cork();
    for (const message of [bytes(1), bytes(2, 3), bytes(4)]) socket.write(message);
    expect(socket.writes).toHaveLength(0);
    socket.uncork();
    expect(socket.writes.map((w) => [...w])).toEqual([[1, 2, 3, 4]]);
  });

  it("writes at once when not corked, and sends nothing for an empty cork", () => {
    const socket = new (corkable(RecordingSocket))();
    socket.write(bytes(9));
    socket.cork();
    socket.uncork();
    expect(socket.writes.map((w) => [...w])).toEqual([[9]]);
  });

  it("runs a write's callback while corked, as the socket would once queued", () => {
    const socket = new (corkable(RecordingSocket))();
    let called = 0;
    socket.cork();
    socket.write(bytes(1), () => called++);
    expect(called).toBe(1);
    socket.uncork();
  });
});

/**
 * What pg-cloudflare's socket holds once connected: the socket's byte stream, its default reader
 * taken, and the chunks it emits to pg.
 */
class ConnectedSocket extends RecordingSocket {
  chunks: Buffer[] = [];
  _cfSocket: { readable: ReadableStream<Uint8Array> };
  _cfReader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(readable: ReadableStream<Uint8Array>) {
    super();
    this._cfSocket = { readable };
    this._cfReader = readable.getReader();
  }
  emit(event: string, chunk: Buffer) {
    if (event === "data") this.chunks.push(chunk);
    return true;
  }
}

describe("corkable (reads of up to 64 KiB)", () => {
  it("takes what has arrived in reads of up to 64 KiB, in order, each chunk pg is given its own copy", async () => {
    // 150 arrivals of 4 KiB, as a page of GET /changes reached the default reader; each byte tells its offset.
    const arrivals = Array.from({ length: 150 }, (_, n) =>
      Uint8Array.from({ length: 4096 }, (_, i) => (n * 4096 + i) % 251),
    );
    const source: UnderlyingByteSource = {
      type: "bytes",
      start(controller) {
        for (const arrival of arrivals) controller.enqueue(arrival.slice());
        controller.close();
      },
    };
    const readable = new ReadableStream(source) as ReadableStream<Uint8Array>;
    const Socket = corkable(ConnectedSocket as unknown as new () => WritableSocket);
    const socket = new (
      Socket as unknown as new (
        r: ReadableStream<Uint8Array>,
      ) => ConnectedSocket & { _listen(): Promise<void> }
    )(readable);
    await socket._listen();

    const received = Buffer.concat(socket.chunks);
    expect(received.length).toBe(150 * 4096);
    expect(received.every((byte: number, i: number) => byte === i % 251)).toBe(true);
    expect(socket.chunks.length).toBeLessThanOrEqual(Math.ceil((150 * 4096) / 65536));
    expect(new Set(socket.chunks.map((chunk) => chunk.buffer)).size).toBe(socket.chunks.length);
  });
});
