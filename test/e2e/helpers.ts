import { inject } from "vitest";
import { createApiClient } from "../../client/api";
import type { SyncClientOptions } from "../../client/sync-client";
import { eventually, startRecordingClient } from "../sync-harness";

export const baseUrl = () => inject("e2eBaseUrl");
export const adminKey = () => inject("testBindings").ADMIN_TOKEN!;

/** The typed client (client/api.ts) against the running Worker, over the network, as the admin. */
export const api = () => createApiClient(baseUrl(), adminKey());

/** The project's client in Node, over Node's own WebSocket. */
export const startClient = (options: Partial<SyncClientOptions> = {}) =>
  startRecordingClient({ baseUrl: baseUrl(), apiKey: adminKey, minReconnectMs: 100, ...options });

export { eventually };
