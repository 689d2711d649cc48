import { and, eq, getTableColumns } from "drizzle-orm";
import { type AttachmentRow, attachmentKey, attachments, tasks } from "../db/schema";
import { DomainError, InvalidInputError, NotFoundError } from "./errors";
import { after, type Keyset, newestFirst, page } from "./pagination";
import { currentTxid, type Store } from "./store";

/** What an upload brings: its bytes as a stream, and how to name and type them. */
export interface NewAttachment {
  task_id: string;
  filename: string;
  content_type: string;
  /** The bytes `body` carries. */
  size: number;
  body: ReadableStream<Uint8Array>;
  /**
   * The file's bytes that follow `body`, known only once it has ended (a form's last two bytes:
   * routes/attachments/multipart.ts); none when absent.
   */
  rest?: () => Uint8Array;
}

/** The body ended before or after its length (the client hung up, or lied in Content-Length). */
export class UploadLengthError extends InvalidInputError {
  constructor(message: string) {
    super(message, [{ path: "body", location: "body", message }]);
  }
}

const columns = getTableColumns(attachments);
const byCreation: Keyset<AttachmentRow> = {
  time: attachments.created_at,
  id: attachments.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

/** The bucket of this unit of work; only a Worker without its ATTACHMENTS binding lacks one. */
export function bucketOf(store: Store): R2Bucket {
  if (!store.attachments) throw new Error("The ATTACHMENTS R2 binding is missing (wrangler.toml).");
  return store.attachments;
}

const isMissingTask = (err: unknown) => {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const cause = e?.cause ?? e;
  return cause?.code === "23503" && cause.constraint === "attachments_task_id_tasks_id_fk";
};

/** workerd's crypto, with its streaming digest (the DOM's Crypto type, which the dashboard's build sees, lacks it). */
type WorkerdCrypto = { DigestStream: typeof DigestStream };

const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** The chunks of a stream; an error reading it is the upload's (a client hung up, a form broke off). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (err) {
      throw err instanceof DomainError ? err : new UploadLengthError("The body could not be read to its end.");
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Writes exactly `size` bytes to `key`, hashing them on the way when asked, holding no more than
 * the chunk in hand: each write waits for R2 to take it, so backpressure reaches the client and the
 * file is never in memory whole. R2 stores a stream only of known length: FixedLengthStream gives it one.
 */
async function putChunks(
  bucket: R2Bucket,
  {
    key,
    size,
    contentType,
    chunks,
    hashing,
  }: {
    key: string;
    size: number;
    contentType: string;
    chunks: AsyncIterable<Uint8Array>;
    hashing?: WritableStreamDefaultWriter<Uint8Array>;
  },
) {
  const sized = new FixedLengthStream(size);
  const writer = sized.writable.getWriter();
  const put = bucket.put(key, sized.readable, { httpMetadata: { contentType } });
  let seen = 0;
  try {
    for await (const chunk of chunks) {
      seen += chunk.byteLength;
      if (seen > size) throw new UploadLengthError(`The body is longer than its ${size} bytes.`);
      // Hashed before it is passed on: R2 may take the chunk's buffer once it has it.
      await hashing?.write(chunk);
      await writer.write(chunk);
    }
    if (seen !== size) throw new UploadLengthError(`The body ended after ${seen} of its ${size} bytes.`);
    await writer.close();
  } catch (err) {
    await writer.abort(err).catch(() => {});
    await put.catch(() => {});
    throw err;
  }
  await put;
}

/**
 * Stores an upload: the object first (streamed, hashed on the way), then its row, so there is never
 * a row without its object. An object whose row could not be written is deleted at once, or swept
 * by the cron if even that fails.
 * @throws NotFoundError (no such task, before any byte is stored, or deleted meanwhile); UploadLengthError.
 */
export async function createAttachment(store: Store, input: NewAttachment): Promise<AttachmentRow> {
  const bucket = bucketOf(store);
  // One read before the upload, so an unknown task costs no object at all.
  const [task] = await store.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, input.task_id));
  if (!task) {
    await input.body.cancel();
    throw new NotFoundError("task", input.task_id);
  }
  const stored: string[] = [];
  try {
    const object = await storeObject(bucket, input, stored);
    const [row] = await store.db
      .insert(attachments)
      .values({ ...object, task_id: input.task_id, filename: input.filename, content_type: input.content_type })
      .returning({ ...getTableColumns(attachments), txid: currentTxid });
    // The trigger wrote attachment.created (migration 0019): the unit of work publishes it.
    const { txid, ...attachment } = row!;
    store.onCommitted(txid);
    return attachment;
  } catch (err) {
    // Nothing half-stored stays behind; what this delete misses, the sweep gets.
    await discardObjects(store, { keys: stored });
    if (isMissingTask(err)) throw new NotFoundError("task", input.task_id);
    throw err;
  }
}

/** Streams the upload into R2, noting in `stored` each key it wrote; the object's id, size and hash. */
async function storeObject(bucket: R2Bucket, input: NewAttachment, stored: string[]) {
  const digest = new (crypto as unknown as WorkerdCrypto).DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const content = { contentType: input.content_type };
  let id = crypto.randomUUID();
  let key = attachmentKey({ task_id: input.task_id, id });
  stored.push(key);
  await putChunks(bucket, { key, size: input.size, ...content, chunks: chunksOf(input.body), hashing });
  const rest = input.rest?.() ?? new Uint8Array(0);
  if (rest.length > 0) {
    // The file is longer than what R2 has: copy it, streaming, to a new id with the rest appended.
    const first = await bucket.get(key);
    if (!first) throw new Error(`R2 lost ${key} while it was being stored.`);
    id = crypto.randomUUID();
    key = attachmentKey({ task_id: input.task_id, id });
    stored.push(key);
    await hashing.write(rest);
    const chunks = (async function* () {
      yield* chunksOf(first.body);
      yield rest;
    })();
    await putChunks(bucket, { key, size: input.size + rest.length, ...content, chunks });
    await bucket.delete(stored.shift()!);
  }
  await hashing.close();
  const size = input.size + rest.length;
  if (size === 0) {
    throw new InvalidInputError("The upload is empty; send the file's bytes.", [
      { path: "body", location: "body", message: "must hold at least one byte" },
    ]);
  }
  return { id, size, sha256: hex(await digest.digest) };
}

/** @throws NotFoundError */
export async function getAttachment(store: Store, { id }: { id: string }): Promise<AttachmentRow> {
  const [row] = await store.db.select().from(attachments).where(eq(attachments.id, id));
  if (!row) throw new NotFoundError("attachment", id);
  return row;
}

/**
 * The bytes of an attachment (a range of them when asked), or null when R2 has no object, which
 * only an outside deletion from the bucket can cause.
 */
export async function readAttachment(
  store: Store,
  { row, range }: { row: AttachmentRow; range?: { offset: number; length: number } },
): Promise<R2ObjectBody | null> {
  return bucketOf(store).get(attachmentKey(row), range ? { range } : {});
}

/**
 * A task's attachments, newest first. The task's existence is asked only when the page is empty.
 * @throws NotFoundError (no such task); InvalidInputError (a cursor this API did not issue).
 */
export async function listAttachments(
  store: Store,
  { task_id, limit, cursor }: { task_id: string; limit: number; cursor?: string },
) {
  const rows = await store.db
    .select(columns)
    .from(attachments)
    .where(and(eq(attachments.task_id, task_id), after(byCreation, cursor)))
    .orderBy(...newestFirst(byCreation))
    .limit(limit + 1);
  if (rows.length === 0) {
    const [task] = await store.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, task_id));
    if (!task) throw new NotFoundError("task", task_id);
  }
  return page(byCreation, rows, limit);
}

/**
 * Deletes an attachment: its row first, then its object, so a failure leaves at worst an object
 * without a row, which the cron sweeps.
 * @throws NotFoundError
 */
export async function deleteAttachment(store: Store, { id }: { id: string }) {
  const [row] = await store.db
    .delete(attachments)
    .where(eq(attachments.id, id))
    .returning({ id: attachments.id, task_id: attachments.task_id, txid: currentTxid });
  if (!row) throw new NotFoundError("attachment", id);
  store.onCommitted(row.txid);
  await discardObjects(store, { keys: [attachmentKey(row)] });
}

/**
 * Deletes objects whose rows are gone (an attachment's, a deleted task's). It never throws: what
 * it could not delete is an orphan the cron sweeps.
 */
export async function discardObjects(store: Store, { keys }: { keys: string[] }) {
  const bucket = store.attachments;
  if (keys.length === 0 || !bucket) return;
  const discard = async () => {
    // R2 deletes up to 1,000 keys in one call.
    for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000)).catch(() => {});
  };
  // In a transaction the rows are gone only once it commits; a rollback must find their objects.
  if (store.afterCommit) store.afterCommit(discard);
  else await discard();
}
