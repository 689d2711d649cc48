import { type AnyColumn, desc, type SQL, sql } from "drizzle-orm";
import { inInstantRange } from "../db/instant-range";
import { InvalidInputError } from "./errors";

/** A row's place in a newest-first list: its time, then its id to break ties. */
export interface Position {
  at: Date;
  id: string;
}

/** The columns a newest-first list is ordered by, (time desc, id desc), and how a row names them. */
export interface Keyset<T> {
  time: AnyColumn;
  id: AnyColumn;
  positionOf(row: T): Position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Times a cursor can carry: what the lists store (timestamptz with milliseconds, inside the instant range). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(position: Position): string {
  return btoa(`${position.at.toISOString()}|${position.id}`).replace(/=+$/, "");
}

/**
 * Reads a cursor this API issued. Anything else (garbage, a forged time or id) is the caller's
 * mistake and a 422 naming `cursor`, never a statement the database would refuse.
 * @throws InvalidInputError
 */
export function decodeCursor(cursor: string): Position {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // falls through to the error below
  }
  const [at, id, ...rest] = decoded.split("|");
  const time = at && ISO_INSTANT.test(at) ? new Date(at) : undefined;
  if (!time || !inInstantRange(time.getTime()) || time.toISOString() !== at || !id || !UUID.test(id) || rest.length) {
    throw new InvalidInputError("The cursor is not one this API issued.", [
      { path: "cursor", location: "query", message: "Use the next_cursor value of a previous page, unchanged." },
    ]);
  }
  return { at: time, id };
}

/** The WHERE clause that continues a newest-first list after `cursor`; none without one. */
export function after<T>(keyset: Keyset<T>, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const position = decodeCursor(cursor);
  return sql`(${keyset.time}, ${keyset.id}) < (${position.at.toISOString()}::timestamptz, ${position.id}::uuid)`;
}

/** ORDER BY for a newest-first list; its index must be declared in this order (DESC NULLS FIRST). */
export const newestFirst = <T>(keyset: Keyset<T>) => [desc(keyset.time), desc(keyset.id)];

/** Splits `limit + 1` fetched rows into the page and the cursor of the next one. */
export function page<T>(keyset: Keyset<T>, rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(keyset.positionOf(last)) : null };
}
