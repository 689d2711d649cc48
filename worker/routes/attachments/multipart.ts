import { Buffer } from "node:buffer";
import { InvalidInputError } from "../../services/errors";

/** The most bytes read before a part's body starts: its delimiter and headers. */
export const MAX_PART_HEAD = 16 * 1024;

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** A multipart/form-data body that is not one file part as RFC 7578 writes it. */
const malformed = (message: string) =>
  new InvalidInputError(`The multipart/form-data body ${message}.`, [{ path: "body", location: "body", message }]);

export interface FilePart {
  /** From the part's Content-Disposition (`filename*` preferred); undefined when it names none. */
  filename?: string;
  contentType?: string;
  /** The bytes `body` carries: all of the file, or all but the two that `rest` gives once it has ended. */
  size: number;
  body: ReadableStream<Uint8Array>;
  rest: () => Uint8Array;
}

/** The `boundary` parameter of a multipart/form-data Content-Type (RFC 2046 §5.1.1: 1–70 characters). */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** A Content-Disposition parameter, `filename*=UTF-8''…` (RFC 5987) decoded. */
function dispositionParam(header: string, name: string): string | undefined {
  const extended = new RegExp(`;\\s*${name}\\*=UTF-8''([^;\\s]*)`, "i").exec(header)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended);
    } catch {
      throw malformed(`has a ${name}* that is not percent-encoded UTF-8`);
    }
  }
  const quoted = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(header)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, "$1");
  return new RegExp(`;\\s*${name}=([^;\\s"]+)`, "i").exec(header)?.[1];
}

/**
 * Reads a multipart/form-data body that holds one file part, streaming the file: its length follows
 * from Content-Length once the part's headers are read, because the body must end right after it
 * with the close delimiter, and CRLF as browsers, curl, undici, Go and Python's requests write it.
 * workerd's FormData leaves that CRLF out: then the file is two bytes longer, and `rest` has them.
 * The file's bytes are checked on the way never to contain a delimiter (a second part), and the end
 * to be exactly the close delimiter; either failing errors the stream, so nothing is kept.
 * @throws InvalidInputError for a body that is not one file part.
 */
export async function readSingleFilePart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  total: number,
): Promise<FilePart> {
  const reader = body.getReader();
  let head = Buffer.alloc(0);
  let end = -1;
  for (;;) {
    end = head.indexOf(CRLFCRLF);
    if (end >= 0) break;
    if (head.length > MAX_PART_HEAD) throw malformed(`has part headers longer than ${MAX_PART_HEAD} bytes`);
    const { done, value } = await reader.read();
    if (done) throw malformed("ends before its part's headers do");
    head = Buffer.concat([head, value]);
  }
  const opening = `--${boundary}\r\n`;
  if (head.subarray(0, opening.length).toString("latin1") !== opening) {
    throw malformed("must start with its boundary delimiter, --<boundary>, and CRLF");
  }
  const headers = new TextDecoder().decode(head.subarray(opening.length, end)).split("\r\n");
  const header = (name: string) =>
    headers
      .find((line) => line.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  const disposition = header("content-disposition") ?? "";
  if (!/^form-data\s*(;|$)/i.test(disposition)) throw malformed("needs a part with Content-Disposition: form-data");
  const filename = dispositionParam(disposition, "filename");
  if (filename === undefined) throw malformed("needs a file part: its Content-Disposition names no filename");

  // The close delimiter, with the CRLF most clients end on; workerd's own FormData ends without it.
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`, "latin1");
  const bare = closing.subarray(0, closing.length - 2);
  const delimiter = closing.subarray(0, closing.length - 4);
  const size = total - (end + 4) - closing.length;
  if (size < 0) throw malformed("is shorter than its parts: it must end with --<boundary>--");
  let pending = head.subarray(end + 4);
  let remaining = size;
  // The last bytes of the file sent so far, so a delimiter split across chunks is still found.
  let carry = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let rest = new Uint8Array(0);
  const holdsDelimiter = (data: Buffer) => {
    const window = Buffer.concat([carry, data]);
    carry = window.subarray(Math.max(0, window.length - delimiter.length + 1));
    return window.indexOf(delimiter) >= 0;
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending.length === 0 && remaining > 0) {
        const { done, value } = await reader.read();
        if (done) return controller.error(malformed("ends before its Content-Length does"));
        pending = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
      const data = pending.subarray(0, remaining);
      tail = Buffer.concat([tail, pending.subarray(data.length)]);
      pending = Buffer.alloc(0);
      if (data.length > 0) {
        if (holdsDelimiter(data)) return controller.error(malformed("must hold one file part and no other"));
        remaining -= data.length;
        controller.enqueue(data);
      }
      if (remaining > 0) return;
      for (;;) {
        if (tail.length > closing.length) break;
        const { done, value } = await reader.read();
        if (done) break;
        tail = Buffer.concat([tail, value]);
      }
      if (tail.equals(closing)) return controller.close();
      // Without the final CRLF, the file's last two bytes are still in the tail.
      if (tail.length === closing.length && tail.subarray(2).equals(bare) && !holdsDelimiter(tail.subarray(0, 2))) {
        rest = new Uint8Array(tail.subarray(0, 2));
        return controller.close();
      }
      controller.error(malformed("must hold one file part and end with --<boundary>--"));
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { filename, contentType: header("content-type"), size, body: stream, rest: () => rest };
}
