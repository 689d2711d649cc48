import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { instantRangeField, isDatabaseUnavailable } from "../db/errors";
import { INSTANT_RANGE_TEXT } from "../db/instant-range";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  GoneError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  UnauthenticatedError,
  UnavailableError,
  UnconfiguredError,
} from "../services/errors";
import { errorFields, log } from "./log";
import { type Problem, problem, problemResponse } from "./problem";

const HTTP_SLUGS: Record<number, string> = {
  400: "bad-request",
  404: "not-found",
  405: "method-not-allowed",
  411: "length-required",
  413: "body-too-large",
  415: "unsupported-media-type",
};

const RETRY_AFTER = { "retry-after": "5" };

function domainHeaders(err: DomainError): Record<string, string> {
  if (err instanceof UnavailableError) return RETRY_AFTER;
  if (err instanceof UnauthenticatedError) {
    // RFC 6750: no error code when credentials are simply absent.
    const error = err.reason === "missing" ? "" : `, error="${err.reason}"`;
    // MCP authorization: a 401 from /mcp names its protected-resource metadata (RFC 9728 §5.1, MUST)
    // and the scopes to request (RFC 6750 §3, SHOULD since revision 2025-11-25).
    const oauth = err.oauth ? `, scope="${err.oauth.scope}", resource_metadata="${err.oauth.resourceMetadata}"` : "";
    return { "www-authenticate": `Bearer realm="openclaw-sync"${error}${oauth}` };
  }
  return {};
}

function domainProblem(err: DomainError): Problem {
  if (err instanceof NotFoundError) return problem(404, "not-found", err.message);
  if (err instanceof InvalidInputError) return problem(422, "validation", err.message, err.errors);
  if (err instanceof UnauthenticatedError) return problem(401, "unauthenticated", err.message);
  if (err instanceof ForbiddenError) return problem(403, "forbidden", err.message);
  if (err instanceof ConflictError) return problem(409, "conflict", err.message);
  if (err instanceof PreconditionFailedError) return problem(412, "stale-version", err.message);
  if (err instanceof GoneError) return problem(410, "gone", err.message);
  if (err instanceof UnavailableError) return problem(503, "database-unavailable", err.message);
  if (err instanceof UnconfiguredError) return problem(503, `${err.feature}-unconfigured`, err.message);
  return problem(500, "internal", "An unexpected domain error occurred.");
}

/** The one place where an error becomes a response; anything unrecognised is a bug and a 500. */
export function onError(err: Error, c: Context) {
  const { problem, headers } = problemFor(err, c);
  return problemResponse(c, problem, headers);
}

/**
 * The problem an error stands for, with its headers: the one table behind every HTTP error and
 * every MCP tool error. Outages and bugs are logged here.
 */
export function problemFor(err: Error, c: Context): { problem: Problem; headers: Record<string, string> } {
  // The operator must hear of it: the caller cannot fix it.
  if (err instanceof UnconfiguredError) log(c, "error", "not configured", { feature: err.feature, error: err.message });
  if (err instanceof DomainError) return { problem: domainProblem(err), headers: domainHeaders(err) };
  if (err instanceof HTTPException) {
    const status = err.status;
    const detail =
      status === 415
        ? "Send a JSON body with Content-Type: application/json."
        : err.message || "The request could not be handled.";
    return { problem: problem(status, HTTP_SLUGS[status] ?? "http", detail), headers: {} };
  }
  const rangeField = instantRangeField(err);
  if (rangeField) {
    const message = `the time it computes (a due plus a reminder's offset) must lie between ${INSTANT_RANGE_TEXT}`;
    return {
      problem: problem(422, "validation", `Invalid field '${rangeField}': ${message}.`, [
        { path: rangeField, location: "body", message },
      ]),
      headers: {},
    };
  }
  if (isDatabaseUnavailable(err)) {
    log(c, "warn", "database unavailable", errorFields(err));
    return {
      problem: problem(
        503,
        "database-unavailable",
        "The database is unavailable or too slow right now; retry shortly.",
      ),
      headers: RETRY_AFTER,
    };
  }
  log(c, "error", "unhandled error", errorFields(err));
  return { problem: problem(500, "internal", "An unexpected error occurred; it has been logged."), headers: {} };
}
