import { hc } from "hono/client";
import type { AppType } from "../worker/app";

export type { AppType };

export interface ApiClientOptions {
  /** A fetch to call instead of the global one (the tests pass the Worker's own). */
  fetch?: typeof fetch;
  /** Headers to send with every request besides the key, such as `x-request-id`. */
  headers?: Record<string, string>;
}

/**
 * The REST API as typed calls, for TypeScript callers: paths, query and body fields, and response
 * bodies are checked against the Worker's own route definitions (Hono RPC over `AppType`).
 *
 * ```ts
 * const api = createApiClient("https://sync.example.com", key);
 * const res = await api.tasks.$post({ json: { title: "Call the dentist", due_time: "2026-03-02T09:00:00+01:00" } });
 * if (res.status === 201) console.log((await res.json()).id);
 * ```
 */
export function createApiClient(baseUrl: string, key: string, options: ApiClientOptions = {}) {
  return hc<AppType>(baseUrl, {
    headers: { ...options.headers, authorization: `Bearer ${key}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
