import { InvalidInputError } from "./errors";

/** A keyset position in a list ordered by (created_at desc, id desc). */
export interface Position {
  created_at: Date;
  id: string;
}

export function encodeCursor(position: Position): string {
  return btoa(`${position.created_at.toISOString()}|${position.id}`).replace(/=+$/, "");
}

/** Reads a cursor this API issued; anything else is the caller's mistake, reported as such. */
export function decodeCursor(cursor: string): Position {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // falls through to the error below
  }
  const [at, id] = decoded.split("|");
  const createdAt = at ? new Date(at) : new Date(Number.NaN);
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidInputError("The cursor is not one this API issued.", [
      { path: "cursor", location: "query", message: "Use the next_cursor value of a previous page, unchanged." },
    ]);
  }
  return { created_at: createdAt, id };
}

/** Splits a fetched `limit + 1` rows into the page and the cursor of the next one. */
export function page<T extends Position>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}
