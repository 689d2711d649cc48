import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiClient, unwrap } from "../../client/api";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";
import { eventually, startRecordingClient } from "../sync-harness";

const ADMIN_TOKEN = "test-admin-token-not-a-secret";
/** Short enough to watch: the README's default is an hour. */
const MAX_SESSION_S = 2;
/** The close code the README documents for a socket past its maximum session age. */
const SESSION_EXPIRED = 4000;

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWranglerDev({
    databaseUrl: inject("databaseUrl"),
    vars: {
      ADMIN_TOKEN,
      REALTIME_SECRET: "test-realtime-secret-not-a-secret-0123456789",
      REALTIME_MAX_SESSION_S: String(MAX_SESSION_S),
    },
  });
});
afterAll(async () => {
  await worker?.stop();
});

describe(`the room's maximum session age (REALTIME_MAX_SESSION_S=${MAX_SESSION_S}, under wrangler dev)`, () => {
  it("closes a socket at its maximum session age with 4000, not before", async () => {
    const api = createApiClient(worker.url, ADMIN_TOKEN);
    const { token } = await unwrap(api.realtime.token.$post());
    const ws = new WebSocket(`${worker.url.replace(/^http/, "ws")}/parties/main/default?token=${token}`);
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
    const opened = await new Promise<number>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(performance.now()));
      ws.addEventListener("error", () => reject(new Error("refused")));
    });
    // CLOSING: the room's close frame has arrived, and nothing can follow it. (The close event waits
    // for the TCP connection to end, which wrangler dev holds about 10 s longer.)
    await eventually(
      () => ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED,
      10_000,
      "closing",
    );
    const closing = performance.now() - opened;
    // The alarm fires at connect + the age; allow for wrangler dev's scheduling on a busy machine.
    expect(closing).toBeGreaterThanOrEqual(MAX_SESSION_S * 1000 - 100);
    expect(closing).toBeLessThan(MAX_SESSION_S * 1000 + 2000);
    expect(await closed).toBe(SESSION_EXPIRED);
  });

  it("the sync client reconnects with a fresh token after that close, and stays live", async () => {
    let tokens = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input instanceof Request ? input.url : input).endsWith("/realtime/token")) tokens++;
      return fetch(input, init);
    }) as typeof fetch;
    const statuses: string[] = [];
    const { client, applied } = await startRecordingClient({
      baseUrl: worker.url,
      apiKey: () => ADMIN_TOKEN,
      fetch: counting,
      minReconnectMs: 100,
      onStatus: (status) => statuses.push(status),
    });
    try {
      expect(tokens).toBe(1);
      // After the close event (see above: about 10 s under wrangler dev) and partysocket's delay.
      await eventually(() => tokens >= 2 && statuses.at(-1) === "live", MAX_SESSION_S * 1000 + 20_000, "reconnected");
      expect(statuses).toContain("offline");
      const api = createApiClient(worker.url, ADMIN_TOKEN);
      const task = await unwrap(api.tasks.$post({ json: { title: "after the session's end" } }));
      await eventually(() => applied.some((c) => c.id === task.id), 3000, "the change over the new socket");
    } finally {
      client.stop();
    }
  });
});
