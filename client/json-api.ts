/** A problem+json answer from the API, thrown so callers can branch on `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type?: string; title?: string; detail?: string } | null,
  ) {
    super(problem?.detail ?? `The API answered ${status}.`);
  }
}

export interface ApiOptions {
  /** Origin of the API, e.g. `http://127.0.0.1:8787`; the dashboard uses its own origin. */
  baseUrl: string;
  /** The API key to send as `Authorization: Bearer`; read on every call, so it may change. */
  apiKey?: () => string | null | undefined;
  /** For runtimes or tests that reach the Worker some other way than the global fetch. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

/** Calls the REST API with JSON and the caller's key; resolves to the parsed body, throws ApiError. */
export function createApi(options: ApiOptions) {
  const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  return async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const key = options.apiKey?.();
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await doFetch(`${options.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  };
}

export type Api = ReturnType<typeof createApi>;
