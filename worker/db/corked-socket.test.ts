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
