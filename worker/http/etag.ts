import type { Context } from "hono";
import { PreconditionFailedError } from "../services/errors";

/** A resource's ETag is its version: strong, and cheap to compare in SQL. */
export const etagOf = (version: number) => `"${version}"`;

const ETAG = /^(?:W\/)?"(\d{1,9})"$/;

/**
 * The version `If-Match` requires, for `UPDATE … WHERE version = $n`; undefined when the header is
 * absent or `*` (any current version). A value this API never issued cannot match anything.
 */
export function ifMatchVersion(c: Context): number | undefined {
  const header = c.req.header("if-match")?.trim();
  if (!header || header === "*") return undefined;
  const version = ETAG.exec(header)?.[1];
  if (!version) {
    throw new PreconditionFailedError(
      `If-Match must be one ETag from this API, such as "3"; got ${header.slice(0, 40)}.`,
    );
  }
  return Number(version);
}

/** Whether `If-None-Match` already names the current version, so the answer is 304. */
export function notModified(c: Context, version: number) {
  const header = c.req.header("if-none-match");
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((tag) => ETAG.exec(tag.trim())?.[1] === String(version));
}
