import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { HonoEnv } from "../../env";
import { type FieldError, InvalidInputError } from "../../services/errors";
import { boundaryOf, MAX_PART_HEAD, readSingleFilePart } from "./multipart";
import { contentType as contentTypeSchema, filename as filenameSchema } from "./schemas";

export interface Upload {
  filename: string;
  content_type: string;
  size: number;
  body: ReadableStream<Uint8Array>;
  rest?: () => Uint8Array;
}

const DEFAULT_TYPE = "application/octet-stream";

const empty = () =>
  new InvalidInputError("The upload is empty; send the file's bytes.", [
    { path: "body", location: "body", message: "must hold at least one byte" },
  ]);

const tooLarge = (maxBytes: number) =>
  new HTTPException(413, { message: `The file is larger than ${maxBytes} bytes (MAX_ATTACHMENT_BYTES).` });

/** Refuses the upload without reading the rest of its body. */
async function refuse(body: ReadableStream | null, error: Error): Promise<never> {
  await body?.cancel().catch(() => {});
  throw error;
}

/** `value` checked against `schema`, or a 422 naming `path` at `location`. */
function checked<T>(schema: z.ZodType<T>, value: unknown, location: FieldError["location"], path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? "is invalid";
  throw new InvalidInputError(`Invalid ${location} field '${path}': ${message}`, [{ path, location, message }]);
}

/**
 * The file of an upload request, ready to stream: a raw body (its Content-Type, `?filename=`), or
 * multipart/form-data with one file part. Content-Length is required (411 without it): R2 stores a
 * stream only of known length, and it lets a file over the limit be refused (413) before a byte is read.
 * @throws HTTPException 411 or 413; InvalidInputError (422: empty, no filename, a malformed form).
 */
export async function readUpload(c: Context<HonoEnv>, maxBytes: number, queryFilename?: string): Promise<Upload> {
  const declared = c.req.header("content-length");
  const body = c.req.raw.body;
  if (declared === undefined || !/^\d{1,16}$/.test(declared)) {
    if (!body) throw empty();
    return refuse(
      body,
      new HTTPException(411, {
        message:
          "Send Content-Length with the upload (curl --data-binary @file does): the file is streamed to storage, which needs its size.",
      }),
    );
  }
  const total = Number(declared);
  if (total === 0 || !body) throw empty();
  const type = c.req.header("content-type")?.trim() || DEFAULT_TYPE;

  if (/^multipart\/form-data\s*(;|$)/i.test(type)) {
    const boundary = boundaryOf(type);
    if (!boundary) {
      throw new InvalidInputError("multipart/form-data needs its boundary parameter.", [
        { path: "content-type", location: "header", message: "names no boundary" },
      ]);
    }
    if (total > maxBytes + MAX_PART_HEAD + boundary.length + 8) return refuse(body, tooLarge(maxBytes));
    const part = await readSingleFilePart(body, boundary, total);
    if (part.size > maxBytes) {
      await part.body.cancel();
      throw tooLarge(maxBytes);
    }
    const filename = queryFilename ?? checked(filenameSchema(), part.filename, "body", "filename");
    const content_type = checked(contentTypeSchema(), part.contentType || DEFAULT_TYPE, "body", "content-type");
    const rest = () => {
      const bytes = part.rest();
      if (part.size + bytes.length > maxBytes) throw tooLarge(maxBytes);
      return bytes;
    };
    return { filename, content_type, size: part.size, body: part.body, rest };
  }

  if (total > maxBytes) return refuse(body, tooLarge(maxBytes));
  if (queryFilename === undefined) {
    throw new InvalidInputError("Name the file: ?filename=<name> (or send multipart/form-data).", [
      { path: "filename", location: "query", message: "is required with a raw body" },
    ]);
  }
  // curl --data-binary labels any file a form unless told otherwise: that label names no file type.
  const labelled = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) ? DEFAULT_TYPE : type;
  const content_type = checked(contentTypeSchema(), labelled, "header", "content-type");
  return { filename: queryFilename, content_type, size: total, body };
}
