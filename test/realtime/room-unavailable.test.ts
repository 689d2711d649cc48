import { createExecutionContext, env, evictDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { BASE, call } from "../helpers";
import { eventually, startClient } from "./helpers";

const ADMIN = (env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;

/** The room binding as the Worker sees it during an outage: every call fails, or never answers. */
function unavailableRoom(mode: "failing" | "hanging"): Env["MAIN"] {
  const call = () =>
    mode === "failing"
      ? Promise.reject(Object.assign(new Error("Durable Object is overloaded"), { overloaded: true }))
      : new Promise(() => {});
  return {
    idFromName: (name: string) => env.MAIN.idFromName(name),
    get: () => new Proxy({}, { get: () => call }),
  } as unknown as Env["MAIN"];
}

/** A REST call to the Worker with its room binding switched to `room`; resolves when the response does. */
async function callWithRoom(room: Env["MAIN"], method: string, path: string, body?: unknown) {
  const ctx = createExecutionContext();
  const started = performance.now();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { ...env, MAIN: room },
    ctx,
  );
  const json = (await res.json()) as { id: string };
  return { status: res.status, body: json, ms: performance.now() - started, publishing: waitOnExecutionContext(ctx) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("when the room is unavailable", () => {
  it("REST writes still succeed at once; a connected client catches up from /changes at the next gap, losing nothing", async () => {
    const { client, applied } = await startClient();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await callWithRoom(unavailableRoom("failing"), "POST", "/tasks", { title: `unpublished ${i}` });
      expect(res.status).toBe(201);
      expect(res.ms).toBeLessThan(1000);
      await res.publishing;
      ids.push(res.body.id);
    }
    await sleep(300);
    expect(applied.filter((c) => ids.includes(c.id))).toHaveLength(0);

    // The room is back: the next change reaches the client, which sees the gap and fetches the rest.
    const next = await call("POST", "/tasks", { title: "published" });
    ids.push(next.body.id);
    await eventually(() => applied.some((c) => c.id === next.body.id), 3000, "the next change");
    expect(applied.filter((c) => ids.includes(c.id)).map((c) => c.id)).toEqual(ids);
    client.stop();
  });

  it("a room that never answers does not hold up the response; the publisher gives up on it", async () => {
    const { client, applied } = await startClient({ pollIntervalMs: 200 });
    const res = await callWithRoom(
      unavailableRoom("hanging"),
      "PATCH",
      `/tasks/${(await call("POST", "/tasks", { title: "slow room" })).body.id}`,
      { status: "completed" },
    );
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    // With no later change to reveal the gap, the client's periodic catch-up finds it.
    await eventually(() => applied.some((c) => c.id === res.body.id && c.op === "updated"), 3000, "the update");
    await res.publishing;
    client.stop();
  });
});

describe("a client that was away", () => {
  it("receives all 500 changes made while it was disconnected, once each, in order, on reconnect", async () => {
    const { client, applied } = await startClient();
    client.disconnect();
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < 500; i += 8) {
          const res = await call("POST", "/tasks", { title: `while away ${i}` });
          expect(res.status).toBe(201);
          ids.push(res.body.id);
        }
      }),
    );
    expect(applied.filter((c) => ids.includes(c.id))).toHaveLength(0);
    client.reconnect();
    const mine = new Set(ids);
    await eventually(() => applied.filter((c) => mine.has(c.id)).length >= 500, 10_000, "all 500 changes");
    const got = applied.filter((c) => mine.has(c.id));
    expect(got).toHaveLength(500);
    expect(new Set(got.map((c) => c.id)).size).toBe(500);
    const seqs = got.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    client.stop();
  }, 60_000);

  it("reconnects by itself when the room is evicted mid-stream, and misses nothing", async () => {
    const { client, applied } = await startClient();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await call("POST", "/tasks", { title: `around eviction ${i}` })).body.id);
      if (i === 10) await evictDurableObject(env.MAIN.getByName("default"), { webSockets: "close" });
    }
    await eventually(() => ids.every((id) => applied.some((c) => c.id === id)), 10_000, "all 30 changes");
    expect(applied.filter((c) => ids.includes(c.id)).map((c) => c.id)).toEqual(ids);
    client.stop();
  });
});
