import createClient from "openapi-fetch";
import type { components, paths } from "./openapi";

export type { components, paths };

/**
 * The REST API as typed calls from its OpenAPI document alone (openapi-fetch over the types that
 * openapi-typescript generates from /openapi.json into ./openapi.d.ts): what a client in another
 * codebase gets, without the Worker's source. `npm run openapi:types` regenerates the types.
 *
 * ```ts
 * const api = createOpenApiClient("https://sync.example.com", key);
 * const { data, error } = await api.POST("/tasks", { body: { title: "Call the dentist" } });
 * ```
 */
export function createOpenApiClient(baseUrl: string, key: string, options: { fetch?: typeof fetch } = {}) {
  return createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${key}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type OpenApiClient = ReturnType<typeof createOpenApiClient>;
