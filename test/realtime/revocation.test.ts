import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { issueRoomToken } from "../../worker/realtime/token";
import { BASE, call, createKey, expectProblem, workerFetch } from "../helpers";
import { eventually, openRoomSocket, roomToken, startClient } from "./helpers";

const secret = () => (env as { REALTIME_SECRET?: string }).REALTIME_SECRET!;

/** The README's bound (Realtime → Revocation): a revoked key's sockets are closed within this. */
const REVOCATION_BOUND_MS = 5000;
/** The close code the README documents for a revoked key. */
const KEY_REVOKED = 4001;

const roomKey = () => createKey(["tasks:read", "reminders:read"], "room reader");
const revoke = async (id: string) => expect((await call("DELETE", `/api-keys/${id}`)).status).toBe(204);

async function upgrade(token: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${BASE}/parties/main/default?token=${token}`, {
    headers: { upgrade: "websocket", ...headers },
  });
  const text = res.webSocket ? "" : await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, ws: res.webSocket };
}

describe("revoking an API key reaches the room", () => {
  it("closes the key's open sockets within the bound, with 4001; they get no later change, another key's socket does", async () => {
    const [revoked, kept] = [await roomKey(), await roomKey()];
    const gone = await openRoomSocket({ token: await roomToken(revoked.key) });
    const stays = await openRoomSocket({ token: await roomToken(kept.key) });
    await gone.next((m) => m.type === "sync.ready");
    await stays.next((m) => m.type === "sync.ready");

    const asked = performance.now();
    await revoke(revoked.id);
    await eventually(() => gone.closed() !== undefined, REVOCATION_BOUND_MS, "the revoked key's socket closed");
    expect(gone.closed()!.at - asked).toBeLessThan(REVOCATION_BOUND_MS);
    expect(gone.closed()!.code).toBe(KEY_REVOKED);

    const task = await call("POST", "/tasks", { title: "after the revocation" });
    expect(task.status).toBe(201);
    await stays.next((m) => m.type === "task.created" && m.id === task.body.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone.messages.some((m) => m.data.id === task.body.id)).toBe(false);
    expect(stays.closed()).toBeUndefined();
    stays.close();
  });

  it("refuses at once, with the REST API's 401, every token of the key: minted before it was revoked, or since by an isolate that still trusted it", async () => {
    const key = await roomKey();
    const before = await roomToken(key.key);
    await revoke(key.id);

    // As an isolate whose key cache had not yet heard of the revocation would mint it (README: Auth).
    const since = (await issueRoomToken(secret(), { room: "default", ttlSeconds: 60, subject: key.id })).token;
    for (const token of [before, since]) {
      const res = await upgrade(token);
      expect(res.ws).toBeNull();
      expect(expectProblem(res, 401).type).toBe("/problems/unauthenticated");
      expect(res.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The key a socket belongs to comes from its verified token, never from what the client claims.
    expect((await upgrade(before, { "x-openclaw-room-key": "admin-token" })).status).toBe(401);
    // Other keys' tokens are still good.
    const other = await upgrade(await roomToken((await roomKey()).key));
    expect(other.status).toBe(101);
    other.ws?.accept();
    other.ws?.close();
  });

  it("makes the sync client stop reconnecting and say its key was refused", async () => {
    const key = await roomKey();
    let tokenRequests = 0;
    let refused = 0;
    const { client } = await startClient({
      apiKey: () => key.key,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        if (String(input instanceof Request ? input.url : input).endsWith("/realtime/token")) tokenRequests++;
        return workerFetch(input, init);
      }) as typeof fetch,
      onRefused: () => refused++,
    });
    const requestsBefore = tokenRequests;
    await revoke(key.id);
    await eventually(() => refused === 1, REVOCATION_BOUND_MS, "the client told it was refused");
    // It reconnects after 50 ms otherwise (startClient's minReconnectMs): it did not even ask for a token.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tokenRequests).toBe(requestsBefore);
    expect(refused).toBe(1);
    client.stop();
  });
});
