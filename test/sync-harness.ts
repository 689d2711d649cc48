import { SyncClient, type SyncClientOptions } from "../client/sync-client";
import type { Change } from "../party/protocol";

/**
 * Polls `check` until it returns true, or fails after `ms`. Timed on the monotonic clock: a wall
 * clock that steps forward (an NTP correction on a CI machine) failed a 10 s wait after 0.8 s.
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The project's sync client, started and settled, recording every change it applies and by which
 * path. `options` carries what differs by where the test runs (base URL, key, fetch, WebSocket).
 */
export async function startRecordingClient(options: Partial<SyncClientOptions> & Pick<SyncClientOptions, "baseUrl">) {
  const applied: Change[] = [];
  const via = { room: 0, "catch-up": 0 };
  const client = new SyncClient({
    loadLists: false,
    pollIntervalMs: 0,
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
