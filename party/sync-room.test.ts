import { env, evictDurableObject, runInDurableObject, SELF } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";
import { getServerByName } from "partyserver";
import { describe, expect, it } from "vitest";
import { BASE, expectProblem } from "../test/helpers";
import { openRoomSocket, roomToken } from "../test/realtime/helpers";
import { issueRoomToken } from "../worker/realtime/token";
import type { Change } from "./protocol";
import { BACKLOG_SIZE, HOLE_WAIT_MS, type SyncRoom } from "./sync-room";

// This file has its own room (each test file gets its own Durable Objects), so seqs here are made up.
const room = () => getServerByName(env.MAIN, "default");
const secret = () => (env as { REALTIME_SECRET?: string }).REALTIME_SECRET!;

function change(seq: number): Change {
  const id = crypto.randomUUID();
  return {
    seq,
    type: "task.updated",
    entity: "task",
    op: "updated",
    id,
    data: { id, seq },
    at: new Date().toISOString(),
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => change(from + i));

async function upgrade(path: string) {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: "websocket" } });
  const text = res.webSocket ? "" : await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, ws: res.webSocket };
}

const seqsOf = (socket: Awaited<ReturnType<typeof openRoomSocket>>) =>
  socket.messages.map((m) => m.data.seq).filter((seq): seq is number => typeof seq === "number");

describe("who may connect", () => {
  it("admits a connection with a fresh token for this room", async () => {
    const res = await upgrade(`/parties/main/default?token=${await roomToken()}`);
    expect(res.status).toBe(101);
    res.ws?.accept();
    res.ws?.close();
  });

  const refused: [string, () => Promise<string>][] = [
    ["no token", async () => ""],
    ["a malformed token", async () => "token=not-a-jwt"],
    [
      "a forged token (another secret)",
      async () => `token=${await issueWith("someone-elses-secret-0123456789abcdef")}`,
    ],
    ["an expired token", async () => `token=${await issueWith(secret(), -60)}`],
    [
      "a token for another room",
      async () =>
        `token=${(await issueRoomToken(secret(), { room: "other", ttlSeconds: 60, subject: "admin-token" })).token}`,
    ],
    [
      "a token that names no key (so could not be revoked)",
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `token=${await sign({ aud: "openclaw-sync/room", room: "default", iat: now, exp: now + 60 }, secret(), "HS256")}`;
      },
    ],
    [
      "a token without the room audience",
      async () => `token=${await sign({ room: "default", exp: Date.now() / 1000 + 60 }, secret(), "HS256")}`,
    ],
  ];
  for (const [what, query] of refused) {
    it(`refuses ${what} with 401, before reaching the room`, async () => {
      const res = await upgrade(`/parties/main/default?${await query()}`);
      expect(res.ws).toBeNull();
      // The REST API's 401, word for word: its type and a request id to quote (README: Errors).
      expect(expectProblem(res, 401).type).toBe("/problems/unauthenticated");
      expect(res.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-request-id")).toBe(res.body.request_id);
    });
  }

  it("offers no HTTP route into the room, so nothing but the Worker can make it broadcast", async () => {
    const token = await roomToken();
    for (const method of ["GET", "POST", "PUT"]) {
      const res = await SELF.fetch(`${BASE}/parties/main/default?token=${token}`, {
        method,
        body: method === "GET" ? undefined : JSON.stringify(change(1)),
      });
      expect(res.status, method).toBe(404);
    }
    // Another party is no room at all: the request falls through to the API, which wants a key first.
    expectProblem(await upgrade(`/parties/other/default?token=${token}`), 401);
  });
});

async function issueWith(key: string, ttlSeconds = 60) {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { aud: "openclaw-sync/room", room: "default", sub: "admin-token", iat: now, exp: now + ttlSeconds },
    key,
    "HS256",
  );
}

describe("broadcast and backlog", () => {
  it("ignores what clients send: nothing they send reaches the others", async () => {
    const talker = await openRoomSocket();
    const listener = await openRoomSocket();
    await listener.next((m) => m.type === "sync.ready");
    talker.ws.send(JSON.stringify(change(999_999)));
    talker.ws.send("not json at all");
    await (await room()).publish([change(1)]);
    const first = await listener.next((m) => typeof m.seq === "number");
    expect(first.data.seq).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seqsOf(listener)).toEqual([1]);
    talker.close();
    listener.close();
  });

  it("replays from the backlog on connect when it covers `since`, and says stale when it does not", async () => {
    await (await room()).publish(range(2, 6));
    const replayed = await openRoomSocket({ since: "3" });
    await replayed.next((m) => m.type === "sync.ready");
    expect(seqsOf(replayed)).toEqual([4, 5, 6]);
    expect(replayed.messages.at(-1)?.data).toEqual({ type: "sync.ready", through: 6 });

    const current = await openRoomSocket({ since: "6" });
    expect((await current.next(() => true)).data).toEqual({ type: "sync.ready", through: 6 });

    const fromStart = await openRoomSocket({ since: "0" });
    await fromStart.next((m) => m.type === "sync.ready");
    expect(seqsOf(fromStart)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const s of [replayed, current, fromStart]) s.close();
  });

  it("puts out-of-order publishes back in seq order", async () => {
    const socket = await openRoomSocket();
    const stub = await room();
    await stub.publish([change(8)]);
    await stub.publish([change(7)]);
    await socket.next((m) => m.seq === 8);
    expect(seqsOf(socket)).toEqual([7, 8]);
    socket.close();
  });

  it("sends past a change that never arrives after a short wait; the hole makes replays stale until it is filled", async () => {
    const socket = await openRoomSocket();
    const stub = await room();
    await stub.publish([change(10)]);
    await socket.next((m) => m.seq === 10, HOLE_WAIT_MS + 2000);

    const stale = await openRoomSocket({ since: "8" });
    expect((await stale.next(() => true)).data).toEqual({ type: "sync.stale", since: 8 });

    await stub.publish([change(9)]);
    const filled = await openRoomSocket({ since: "8" });
    await filled.next((m) => m.type === "sync.ready");
    expect(seqsOf(filled)).toEqual([9, 10]);
    // Clients past the hole have already caught up from GET /changes: 9 is kept, not re-sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seqsOf(socket)).toEqual([10]);
    for (const s of [socket, stale, filled]) s.close();
  });

  it("keeps the backlog in Durable Object storage: it survives eviction, and stays bounded", async () => {
    const stub = await room();
    await stub.publish(range(11, 10 + BACKLOG_SIZE + 20));
    const through = 10 + BACKLOG_SIZE + 20;
    await evictDurableObject(env.MAIN.getByName("default"));

    const recent = await openRoomSocket({ since: String(through - 5) });
    await recent.next((m) => m.type === "sync.ready");
    expect(seqsOf(recent)).toEqual([through - 4, through - 3, through - 2, through - 1, through]);
    const trimmed = await openRoomSocket({ since: "11" });
    expect((await trimmed.next(() => true)).data.type).toBe("sync.stale");
    const kept = await runInDurableObject(
      env.MAIN.getByName("default"),
      (instance: SyncRoom) => instance.sql<{ n: number }>`select count(*) as n from backlog`[0]!.n,
    );
    expect(kept).toBeLessThanOrEqual(BACKLOG_SIZE);
    recent.close();
    trimmed.close();
  });

  it("broadcasts events that are not changes (reminder.due) without keeping them", async () => {
    const socket = await openRoomSocket();
    const event = { type: "reminder.due" as const, reminder: { id: "r1" }, task: { id: "t1", title: "Call" } };
    await (await room()).notify(event);
    expect((await socket.next((m) => m.type === "reminder.due")).data).toEqual(event);
    socket.close();
  });
});
