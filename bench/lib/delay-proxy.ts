import { connect, createServer, type Socket } from "node:net";

export interface RunningProxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * A TCP proxy that holds every chunk for `delayMs` in each direction: the distance between a
 * Worker's location and the region the database lives in. Timers of equal length fire in the order
 * they were set, so the byte stream keeps its order.
 */
export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<RunningProxy> {
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
    from.on("end", () => setTimeout(() => to.end(), delayMs));
    from.on("error", () => to.destroy());
    from.on("close", () => setTimeout(() => to.destroy(), delayMs));
  };
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(target.port, target.host);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
