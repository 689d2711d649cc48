/**
 * `Content-Disposition: attachment` for a stored file name (RFC 6266 §4.3): `filename*` carries it
 * exactly, percent-encoded UTF-8 (RFC 8187); `filename` is an ASCII fallback for old clients, with
 * quotes, backslashes, slashes and anything not printable ASCII replaced, so no name can leave the
 * quoted string or name a path. Stored names are well-formed (filename() refuses lone surrogates),
 * so encodeURIComponent cannot throw.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\/]/g, "_");
  // encodeURIComponent leaves ' ( ) * unescaped; RFC 8187's attr-char does not allow them.
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export type ByteRange = { offset: number; length: number };

/**
 * One `Range: bytes=…` (RFC 9110 §14.1.2) over a file of `size` bytes: the range to send, "unsatisfiable"
 * (416), or undefined to send the whole file (no Range, another unit, several ranges, or one this
 * server may ignore as invalid).
 */
export function rangeOf(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  const match = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const offset = Number(first);
  if (last !== "" && Number(last) < offset) return undefined;
  if (offset >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}

/** The strong ETag of an attachment: its SHA-256, which changes with every byte. */
export const attachmentEtag = (sha256: string) => `"${sha256}"`;

/** Whether an If-None-Match header names `etag` (or `*`): the answer is then 304. */
export const matchesNoneOf = (header: string | undefined, etag: string) =>
  !!header && (header.trim() === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag));
