import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./problem";

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (for example, invalid JSON).",
  401: "Missing, malformed, unknown or revoked API key.",
  403: "The API key lacks the scope this route needs.",
  404: "No such resource.",
  409: "Conflicts with a request still in progress.",
  410: "The requested history has been pruned.",
  412: "If-Match named a version that is no longer current.",
  413: "Body larger than the limit.",
  415: "Body is not JSON.",
  422: "Understood, but a field is invalid.",
  429: "Rate limit exceeded; see Retry-After.",
  503: "Database unavailable; see Retry-After.",
};

/** The error responses of an authenticated route, all from one shared definition. */
export function problems(...statuses: number[]) {
  return problemResponses(...statuses, 401, 403, 429, 503);
}

export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const notModifiedResponse = { 304: { description: "Unchanged since the ETag given in If-None-Match." } };

/** Documents the optional If-Match header of PATCH and DELETE. */
export const withIfMatch = {
  headers: z.object({
    "if-match": z
      .string()
      .optional()
      .openapi({ description: 'The ETag you last saw, e.g. "3"; a stale one gets 412 instead of overwriting.' }),
  }),
};
