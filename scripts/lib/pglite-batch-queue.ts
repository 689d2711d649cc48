import type { PGlite } from "@electric-sql/pglite";

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/** Extended-protocol messages that leave the session's unnamed statement or portal mid-batch. */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket's query queue, keeping each connection's extended-protocol batch whole.
 *
 * PGlite is one Postgres session shared by every socket. pglite-socket's own queue hands it one
 * message at a time from any connection and keeps a connection's messages together only inside a
 * transaction, so two connections' Parse/Bind/Execute/Sync batches interleave and one binds the
 * other's unnamed statement ("bind message supplies 6 parameters, but prepared statement "" requires
 * 2": the cron's scan and pruning, or two dashboard requests, under `npm run dev`). Upstream:
 * electric-sql/pglite#1046. This queue stays with a connection from its first extended message to
 * its Sync, as well as through a transaction. Same interface, so it replaces the server's.
 */
export class BatchQueue {
  private queue: Pending[] = [];
  private processing = false;
  /** The connection whose batch or transaction is open, if any. */
  private owner: number | null = null;
  private ownerMidBatch = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength() {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number) {
    this.queue = this.queue.filter((p) => {
      if (p.handlerId !== handlerId) return true;
      p.reject(new Error("Handler disconnected"));
      return false;
    });
    if (this.owner === handlerId && !this.db.isInTransaction()) this.release();
  }

  async clearTransactionIfNeeded(handlerId: number) {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.release();
  }

  private release() {
    this.owner = null;
    this.ownerMidBatch = false;
    void this.process();
  }

  private async process() {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const held = this.owner !== null && (this.ownerMidBatch || this.db.isInTransaction());
        const index = held ? this.queue.findIndex((p) => p.handlerId === this.owner) : 0;
        // The open batch's connection has not sent its next message yet: wait for it.
        if (index === -1) return;
        const [next] = this.queue.splice(index, 1);
        const item = next!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          item.reject(err);
          continue;
        }
        this.owner = item.handlerId;
        this.ownerMidBatch = EXTENDED.has(item.message[0]!);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
