import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { appSystem, baselineSystem, type System, type Written } from "../lib/live-systems.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { type ListeningClients, openClients } from "../lib/room-clients.ts";
import { startWsBaseline } from "../lib/ws-baseline.ts";

/** The room signs tokens with this; startApp must be given it for the room to admit anyone. */
export const LIVE_VARS = { REALTIME_SECRET: "bench-realtime-secret-not-a-secret-0123456789" };

/** Concurrent writers in the burst: enough to keep the room busy, few enough for 2 cores. */
const WRITERS = 8;
/** A receipt that has not come this long after the last message is counted missing. */
const IDLE_MS = 3000;

interface Measured {
  latencies: number[];
  /** Per write, request → response. */
  writeMs: number[];
  missing: number;
  peakMiB: number;
  /** Per write, the time to its last client: how long until everyone has it. */
  lastClient: number[];
  /** Burst only: messages and writes per second. */
  messagesPerSecond?: number;
  writesPerSecond?: number;
}

/** `from` (response or request) → receipt for each client of each write, and the receipts that never came. */
function receipts(clients: ListeningClients, written: Written[], from: "respondedAt" | "sentAt") {
  const latencies: number[] = [];
  const lastClient: number[] = [];
  const writeMs = written.map((w) => w.respondedAt - w.sentAt);
  let missing = 0;
  let lastArrival = 0;
  for (const w of written) {
    const [id, start] = [w.id, w[from]];
    const times = clients.arrivals.get(id) ?? [];
    missing += clients.count - times.length;
    let last = Number.NEGATIVE_INFINITY;
    for (const at of times) {
      latencies.push(at - start);
      last = Math.max(last, at);
    }
    if (times.length > 0) lastClient.push(last - start);
    lastArrival = Math.max(lastArrival, last);
  }
  return { latencies, writeMs, lastClient, missing, lastArrival };
}

/** Runs `measure` while sampling the system's peak memory; the sampler stops even if `measure` throws. */
async function withPeakMemory<T>(system: System, measure: () => Promise<T>): Promise<T & { peakMiB: number }> {
  const memory = system.memory();
  try {
    const result = await measure();
    return { ...result, peakMiB: memory.stop() };
  } catch (err) {
    memory.stop();
    throw err;
  }
}

/** `writes` one at a time, each once every client has it (or it is given up on), so no fan-out overlaps the next. */
function sequential(system: System, clients: ListeningClients, writes: number, from: number): Promise<Measured> {
  return withPeakMemory(system, async () => {
    const written: Written[] = [];
    for (let i = 0; i < writes; i++) {
      const w = await system.write(from + i);
      written.push(w);
      await clients.settle(() => (clients.arrivals.get(w.id)?.length ?? 0) >= clients.count, IDLE_MS);
    }
    return receipts(clients, written, "respondedAt");
  });
}

/** `writes` by WRITERS concurrent writers at full speed; the rate counts until the last receipt. */
function burst(system: System, clients: ListeningClients, writes: number, from: number): Promise<Measured> {
  return withPeakMemory(system, async () => {
    const written: Written[] = [];
    const target = clients.total() + writes * clients.count;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < writes) written.push(await system.write(from + next++));
      }),
    );
    await clients.settle(() => clients.total() >= target, IDLE_MS);
    // From the request, not the response: with one process busy receiving, a response can be handled
    // after the messages it preceded on the wire, and the time from it would come out negative.
    const result = receipts(clients, written, "sentAt");
    const lastResponse = Math.max(...written.map((w) => w.respondedAt));
    return {
      ...result,
      messagesPerSecond: (writes * clients.count - result.missing) / ((result.lastArrival - started) / 1000),
      writesPerSecond: writes / ((lastResponse - started) / 1000),
    };
  });
}

/** Opens the clients, warms the path with a few writes (every client must hear them), measures, closes. */
async function measureSystem(system: System, size: { clients: number; writes: number; burst: number }) {
  const clients = await openClients(size.clients, () => system.socketUrl());
  try {
    const warm: Written[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await system.write(i);
      warm.push(w);
      const heard = await clients.settle(() => clients.arrivals.get(w.id)?.length === clients.count, 10_000);
      if (!heard) {
        const got = clients.arrivals.get(w.id)?.length ?? 0;
        throw new Error(`${system.name}: only ${got} of ${clients.count} clients heard the warm-up write`);
      }
    }
    const sample = warm[0]!.id;
    return {
      sequential: await sequential(system, clients, size.writes, 1000),
      burst: await burst(system, clients, size.burst, 1000 + size.writes),
      message: { text: clients.firstMessage(sample)!, id: sample },
    };
  } finally {
    clients.close();
  }
}

/**
 * Scenario 2: the live path. Clients in the room; the time from a write's REST response to each
 * client's receipt of its change, one write at a time; then the fan-out rate with writes at full
 * speed. The limit is a bare `ws` server in another process sending the same bytes to as many clients.
 */
export async function livePath(ctx: { quick: boolean; app: RunningWorker }): Promise<ScenarioResult> {
  const size = ctx.quick ? { clients: 100, writes: 50, burst: 40 } : { clients: 1000, writes: 500, burst: 100 };
  const app = await measureSystem(appSystem(ctx.app), size);
  const server = await startWsBaseline();
  let bare: Awaited<ReturnType<typeof measureSystem>>;
  try {
    bare = await measureSystem(baselineSystem(server.url, server.pid, app.message.text, app.message.id), size);
  } finally {
    await server.stop();
  }
  return {
    title: `2. Live path: ${size.clients} WebSocket clients in the room, REST response → receipt, and fan-out`,
    ratioMeaning:
      "app ÷ bare ws server: for latency (p50) 1.0 is the limit and higher is slower; for fan-out 1.0 is the limit and lower is slower",
    rows: rows(size, app, bare),
    notes: notes(size, app.message.text),
  };
}

type Run = Awaited<ReturnType<typeof measureSystem>>;

function rows(size: { clients: number; writes: number; burst: number }, app: Run, bare: Run): Row[] {
  const stats = (m: Measured) => ({
    p50Ms: round(percentile(m.latencies, 50)),
    p99Ms: round(percentile(m.latencies, 99)),
    maxMs: round(m.latencies.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY)),
    peakMiB: round(m.peakMiB),
  });
  const lastClient = (m: Measured) =>
    `writes answered in p50 ${round(percentile(m.writeMs, 50))} ms; p50 time to the last client ${round(percentile(m.lastClient, 50))} ms; ${m.missing} receipts missing`;
  const seqCase = `${size.clients} clients, ${size.writes} writes one at a time, response → each receipt`;
  const burstCase = `${size.clients} clients, ${size.burst} writes by ${WRITERS} writers at full speed, request → each receipt`;
  const rowsOf = (name: string, run: Run, against?: Run): Row[] => [
    {
      scenario: "2 live path",
      case: `${name}: ${seqCase}`,
      ...stats(run.sequential),
      limit: against ? `bare ws server: p50 ${stats(against.sequential).p50Ms} ms` : "(the limit)",
      ratio: against
        ? round(percentile(run.sequential.latencies, 50) / percentile(against.sequential.latencies, 50), 2)
        : undefined,
      note: lastClient(run.sequential),
    },
    {
      scenario: "2 live path",
      case: `${name}: ${burstCase}`,
      throughput: round(run.burst.messagesPerSecond, 0),
      unit: "messages/s",
      ...stats(run.burst),
      limit: against ? `bare ws server: ${round(against.burst.messagesPerSecond, 0)} messages/s` : "(the limit)",
      ratio: against ? round(run.burst.messagesPerSecond! / against.burst.messagesPerSecond!, 2) : undefined,
      note: `${round(run.burst.writesPerSecond, 0)} writes/s; ${lastClient(run.burst)}`,
    },
  ];
  return [...rowsOf("app", app, bare), ...rowsOf("bare ws", bare)];
}

function notes(size: { clients: number }, message: string) {
  return [
    `Each write is a POST /tasks with the admin token; its one change (task.created, ${Buffer.byteLength(message)} bytes) goes to all ${size.clients} clients. The bare ws server is sent that same message with only the id changed, by an HTTP POST it answers before broadcasting, as the app answers before it publishes.`,
    "One process writes and holds every client, so both ends of each latency are stamped on one clock (performance.now()); p50/p99/max are over every (write, client) pair. One at a time: from the write's response, and the next write waits until every client has the last. In the burst: from the write's request, because a process busy receiving can handle a response after messages that followed it on the wire. The later clients' receipts include the time this process spends on the earlier ones, for both systems alike.",
    "The app's path after the response: waitUntil reads the committed change back (one query), calls the room over RPC, and the room stores it in its backlog and broadcasts it through the hibernation API. Under `wrangler dev` clients reach the room through wrangler's proxy Worker, a second workerd that production does not have; its hop is in the latency and its memory in peak MiB.",
    "Fan-out rate: messages delivered to all clients from the first write until the last receipt, with the writes at full speed; each system's own write rate is in the note. The app's writes queue on the change log's one cursor row (a gap-free seq takes a row lock until commit), and the room's broadcasts run in the same workerd.",
  ];
}
