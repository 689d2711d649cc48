import { inject } from "vitest";
import { createApiClient } from "../../client/api";
import { SyncClient, type SyncClientOptions } from "../../client/sync-client";
import type { Change } from "../../party/protocol";

export const baseUrl = () => inject("e2eBaseUrl");
export const adminKey = () => inject("testBindings").ADMIN_TOKEN!;

/** The typed client (client/api.ts) against the running Worker, over the network, as the admin. */
export const api = () => createApiClient(baseUrl(), adminKey());

/** The project's client in Node, over Node's own WebSocket. */
export async function startClient(options: Partial<SyncClientOptions> = {}) {
  const applied: Change[] = [];
  const via = { room: 0, "catch-up": 0 };
  const client = new SyncClient({
    baseUrl: baseUrl(),
    apiKey: adminKey,
    loadLists: false,
    pollIntervalMs: 0,
    minReconnectMs: 100,
    ...options,
    onChange: (change, source) => {
      applied.push(change);
      via[source]++;
      options.onChange?.(change, source);
    },
  });
  let live = false;
  const onStatus = options.onStatus;
  client.options.onStatus = (status) => {
    live = status === "live";
    onStatus?.(status);
  };
  await client.start();
  // Settled: connected, and whatever the room said on connect (replay or "catch up") handled.
  await eventually(() => live, 5000, "client connected");
  await client.catchUp();
  return { client, applied, via };
}

export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
