import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldError } from "../services/errors";
import type { ProblemSchema } from "./problem-schema";

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Problem type URIs are relative references, documented in the README's error table. */
export const problemType = (slug: string) => `/problems/${slug}`;

export function problem(status: number, slug: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: problemType(slug),
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
  };
}

/** A problem as a plain Response, for code in front of the Hono app (the room's gateway). */
export function problemAsResponse(body: Problem, requestId: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ ...body, request_id: requestId }), {
    status: body.status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...headers },
  });
}

/** Sends a problem with the request id attached and the right media type. */
export function problemResponse(c: Context, body: Problem, headers: Record<string, string> = {}) {
  const requestId = c.get("requestId") as string | undefined;
  return c.body(
    JSON.stringify({ ...body, ...(requestId ? { request_id: requestId } : {}) }),
    body.status as ContentfulStatusCode,
    {
      "content-type": "application/problem+json",
      ...headers,
    },
  );
}
