import { type ClientResponse, DetailedError, hc, type InferResponseType, parseResponse } from "hono/client";
import type { AppType } from "../worker/app";
import type { Problem } from "../worker/http/problem";

export type { AppType };

/** An API key, or a function that reads it before every call (it may change; when missing, none is sent). */
export type ApiKey = string | (() => string | null | undefined);

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
export function createApiClient(baseUrl: string, key: ApiKey, options: ApiClientOptions = {}) {
  return hc<AppType>(baseUrl, {
    headers: () => {
      const secret = typeof key === "function" ? key() : key;
      return secret ? { ...options.headers, authorization: `Bearer ${secret}` } : { ...options.headers };
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A task as the API shows it. */
export type Task = InferResponseType<ApiClient["tasks"][":id"]["$get"], 200>;
/** A reminder as the API shows it. */
export type Reminder = InferResponseType<ApiClient["reminders"][":id"]["$get"], 200>;

/** The API's error document (application/problem+json). */
export type { Problem };

/** A non-2xx answer from the API, thrown so callers can branch on `status`. */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    /** The problem+json body, or null when the answer was something else (a proxy's error page). */
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `The API answered ${status}.`);
  }
}

/**
 * Awaits a typed call and returns its parsed 2xx body (typed from the route; `undefined` for 204),
 * or throws `ApiError` with the status and problem document.
 *
 * ```ts
 * const task = await unwrap(api.tasks.$post({ json: { title: "Call the dentist" } }));
 * ```
 */
export async function unwrap<T extends ClientResponse<unknown>>(call: T | Promise<T>) {
  try {
    return await parseResponse(call);
  } catch (err) {
    if (!(err instanceof DetailedError)) throw err;
    const body: unknown = err.detail?.data;
    const problem = body && typeof body === "object" && "status" in body ? (body as Problem) : null;
    throw new ApiError(err.statusCode, problem);
  }
}
