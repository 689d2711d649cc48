import type { OpenAPIHono, z } from "@hono/zod-openapi";
import { ProblemSchema } from "./problem-schema";
import { UPLOAD_OPERATION } from "./uploads";

type HeaderSchema = {
  type: "string" | "integer";
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  pattern?: string;
  enum?: string[];
  example?: string;
};

/**
 * Response headers the API sends, declared once under `components.headers`. X-Request-Id and
 * API-Version are on every response; the others where a route or middleware sets them.
 */
const RESPONSE_HEADERS = {
  "API-Version": {
    description: "The API version that answered: `1`, served under `/v1` and its unversioned aliases.",
    schema: { type: "string", example: "1" },
  },
  "X-Request-Id": {
    description:
      "This request's id: the caller's X-Request-Id when it is 1–128 of `A-Z a-z 0-9 . _ : -`, otherwise a new UUID. Every log line and error body carries it.",
    schema: { type: "string", maxLength: 128 },
  },
  ETag: {
    description: 'The resource\'s version as a strong ETag, such as `"3"`: send it back in If-Match or If-None-Match.',
    schema: { type: "string", example: '"3"' },
  },
  Location: { description: "The path of the created resource.", schema: { type: "string", example: "/tasks/…" } },
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  "WWW-Authenticate": {
    description:
      'The Bearer challenge: `Bearer realm="openclaw-sync"`, with `error="invalid_request"` (a malformed header) or `error="invalid_token"` (an unknown or revoked key); on /mcp, where OAuth is served, also `scope="tasks:read tasks:write reminders:read reminders:write"` and `resource_metadata="<origin>/.well-known/oauth-protected-resource/mcp"` (RFC 6750 §3, RFC 9728 §5.1).',
    schema: { type: "string" },
  },
} satisfies Record<string, { description: string; schema: HeaderSchema }>;

export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

/** Request headers the API honours, declared once under `components.parameters`. */
const REQUEST_HEADERS = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    description:
      "Makes a POST, PATCH or DELETE safe to retry: the first answer is kept for 24 hours (per key owner) and replayed, with Idempotent-Replayed, to a retry of the same request; the same key with a different request is 422, and a retry while the first still runs waits for its answer, or is 409 after 3 s.",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
  },
  IfMatch: {
    name: "If-Match",
    description: 'The ETag you last saw, such as `"3"`; if the resource has changed since, 412 instead of overwriting.',
    schema: { type: "string", example: '"3"' },
  },
  IfNoneMatch: {
    name: "If-None-Match",
    description: 'ETags you hold, such as `"3"`; while one is current the answer is 304 without a body.',
    schema: { type: "string", example: '"3"' },
  },
  RequestId: {
    name: "X-Request-Id",
    description: "Your id for this request (1–128 of `A-Z a-z 0-9 . _ : -`), echoed back and logged.",
    schema: { type: "string", maxLength: 128, pattern: "^[A-Za-z0-9._:-]+$" },
  },
} satisfies Record<string, { name: string; description: string; schema: HeaderSchema }>;

export type RequestHeader = keyof typeof REQUEST_HEADERS;

/** Registers the shared header definitions; the app calls it once. */
export function registerSharedComponents(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) registry.registerComponent("headers", name, header);
  for (const [name, header] of Object.entries(REQUEST_HEADERS)) {
    registry.registerComponent("parameters", name, { ...header, in: "header", required: false });
  }
}

const headerRefs = (names: ResponseHeader[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** Spread into `createRoute`: the request headers an operation honours, by reference. */
export const requestHeaders = (...names: RequestHeader[]) => ({
  parameters: names.map((name) => ({ $ref: `#/components/parameters/${name}` })),
});

const PROBLEMS: Record<number, { description: string; headers?: ResponseHeader[] }> = {
  400: { description: "Malformed request (for example, invalid JSON)." },
  401: { description: "Missing, malformed, unknown or revoked API key.", headers: ["WWW-Authenticate"] },
  403: { description: "The API key lacks the scope this route needs." },
  404: { description: "No such resource." },
  409: { description: "Conflicts with the resource's state, or with a request still in progress." },
  410: { description: "The requested history has been pruned." },
  411: { description: "Content-Length is missing." },
  412: { description: "If-Match named a version that is no longer current." },
  413: { description: "Body larger than the limit." },
  415: { description: "Body is not JSON." },
  422: { description: "Understood, but a field is invalid." },
  429: { description: "Rate limit exceeded; see Retry-After.", headers: ["Retry-After"] },
  503: { description: "Database unavailable; see Retry-After.", headers: ["Retry-After"] },
};

/** The error responses of an authenticated route, all from one shared definition. */
export function problems(...statuses: number[]) {
  return problemResponses(...statuses, 401, 403, 429, 503);
}

export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status, ProblemSchema)]));
}

function problemResponse(status: number, schema: typeof ProblemSchema | { $ref: string }) {
  const { description, headers = [] } = PROBLEMS[status] ?? { description: "Error" };
  return {
    description,
    ...(headers.length ? { headers: headerRefs(headers) } : {}),
    content: { "application/problem+json": { schema } },
  };
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

/** A JSON response, with the headers it carries besides those every response has. */
export const json = <T extends z.ZodType>(schema: T, description: string, ...headers: ResponseHeader[]) => ({
  description,
  ...(headers.length ? { headers: headerRefs(headers) } : {}),
  content: { "application/json": { schema } },
});

/** A response without a body. */
export const empty = (description: string, ...headers: ResponseHeader[]) => ({
  description,
  ...(headers.length ? { headers: headerRefs(headers) } : {}),
});

export const notModifiedResponse = { 304: empty("Unchanged since the ETag given in If-None-Match.", "ETag") };

type Operation = {
  parameters?: unknown[];
  responses?: Record<string, { headers?: Record<string, unknown> }>;
};
const WRITES = new Set(["post", "patch", "delete"]);

/**
 * Documents what the app-wide middleware does to every operation, so no route can forget it:
 * X-Request-Id both ways, API-Version on every answer, and Idempotency-Key on every write (with its replay header and its
 * 409 and 422 answers).
 */
export function describeAppMiddleware<D extends { paths?: object }>(document: D): D {
  // The document is generated already: the Problem schema is referenced, not converted again.
  const problem = { $ref: "#/components/schemas/Problem" };
  const idempotencyProblems = { 409: problemResponse(409, problem), 422: problemResponse(422, problem) };
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      // A streamed upload is never replayed (uploads.ts): it takes no Idempotency-Key.
      const write = WRITES.has(method) && !(method === UPLOAD_OPERATION.method && path === UPLOAD_OPERATION.path);
      operation.parameters = [
        ...(operation.parameters ?? []),
        ...requestHeaders(...(write ? (["IdempotencyKey", "RequestId"] as const) : (["RequestId"] as const)))
          .parameters,
      ];
      if (write) operation.responses = { ...idempotencyProblems, ...operation.responses };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const replayed = write && status.startsWith("2") ? (["Idempotent-Replayed"] as const) : [];
        response.headers = { ...response.headers, ...headerRefs(["X-Request-Id", "API-Version", ...replayed]) };
      }
    }
  }
  return document;
}
