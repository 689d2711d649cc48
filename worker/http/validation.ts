import type { Hook, z } from "@hono/zod-openapi";
import { type FieldError, InvalidInputError, NotFoundError } from "../services/errors";

const LOCATIONS = { json: "body", query: "query", param: "path", header: "header" } as const;

function fieldErrors(error: z.ZodError, location: FieldError["location"] | undefined): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: at ? `${at}.${key}` : key, location, message: "unknown field" }));
    }
    return [{ path: at, location, message: issue.message }];
  });
}

/** The entity a path names, from its first segment: `/tasks/…` → "task". */
const pathEntity = (path: string) => path.split("/")[1]?.replace(/s$/, "") || "resource";

/**
 * Turns a failed request validation into the domain's errors: 422 with one entry per field, except
 * that a malformed path id names nothing and so is a 404.
 */
export const validationHook: Hook<unknown, any, any, any> = (result, c) => {
  if (result.success) return;
  if (result.target === "param") {
    throw new NotFoundError(pathEntity(c.req.path), c.req.param("id") ?? "");
  }
  throw invalidInput(result.error as z.ZodError, LOCATIONS[result.target as keyof typeof LOCATIONS]);
};

/**
 * The domain error for input that failed its schema, one entry per field: request fields at
 * `location`, or, without one, the arguments of an MCP tool call.
 */
export function invalidInput(error: z.ZodError, location?: FieldError["location"]) {
  const errors = fieldErrors(error, location);
  const what = location ? `${location} field` : "argument";
  return new InvalidInputError(
    errors.length === 1
      ? `Invalid ${what} '${errors[0]?.path}': ${errors[0]?.message}`
      : "Some fields are invalid; see errors.",
    errors,
  );
}
