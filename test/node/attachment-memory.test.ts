import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devtools } from "../../scripts/lib/devtools.ts";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startTestDatabase } from "../../scripts/lib/postgres";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";

const ADMIN = "memory-admin-token";
let database: RunningDatabase;
let worker: RunningWorker;

beforeAll(async () => {
  database = await startTestDatabase();
  await migrateDatabase(database.url);
  worker = await startWranglerDev({
    databaseUrl: database.url,
    vars: { ADMIN_TOKEN: ADMIN },
    flags: ["--log-level=warn"],
  });
});
afterAll(async () => {
  await worker?.stop();
  await database?.stop();
});

const MiB = 1024 * 1024;

/** Uploads `size` bytes in 64 KiB chunks, with Content-Length, pausing between chunks like a slow link. */
function slowUpload(url: string, size: number, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { ...headers, "content-length": String(size) } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const next = () => {
      if (sent >= size) return req.end();
      const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += piece.length;
      req.write(piece, () => setTimeout(next, 2));
    };
    next();
  });
}

interface HeapUsage {
  usedSize: number;
  /** ArrayBuffer backing stores: where a Worker holds bytes (request bodies, chunks, buffers). */
  backingStorageSize: number;
}

/**
 * Issue #20: a 9 MiB upload streams, so the isolate's memory stays well under the file's size. The
 * Worker runs under `wrangler dev`; DevTools' `Runtime.getHeapUsage` on its isolate is sampled while
 * the file trickles in. What is compared is the ArrayBuffer backing storage, where the file's bytes
 * would be if anything held them (a body read whole, a Blob, collected chunks): buffering the body
 * (`await new Response(body).arrayBuffer()`) raised it by the whole file, 9.0 MiB, where streaming
 * raises it by about 2.7 MiB of chunks not yet collected, and up to ~5 MiB while the rest of the suite
 * loads the machine (collections come later). The bound sits between the two. The JS heap is reported but not compared:
 * workerd's inspector cannot force a collection, and V8's young generation lets several MiB of
 * garbage build up between scavenges whatever the code does.
 */
describe("a 9 MiB upload under wrangler dev", () => {
  it("streams: the isolate's ArrayBuffer memory grows by well under the file's size", async () => {
    const auth = { authorization: `Bearer ${ADMIN}` };
    const created = await fetch(`${worker.url}/tasks`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ title: "A big file" }),
    });
    const task = (await created.json()) as { id: string };
    const upload = (name: string, size: number) =>
      slowUpload(`${worker.url}/tasks/${task.id}/attachments?filename=${name}`, size, auth);
    // Warm: the route's code loaded and compiled, its first allocations made.
    for (let i = 0; i < 3; i++) expect((await upload("warm.bin", 2 * MiB)).status).toBe(201);

    const cdp = await devtools(worker.inspectorUrl);
    const sample = async () => (await cdp.send("Runtime.getHeapUsage")) as HeapUsage;
    const base = await sample();
    const peak = { ...base };
    let uploading = true;
    const sampler = (async () => {
      while (uploading) {
        const now = await sample();
        peak.usedSize = Math.max(peak.usedSize, now.usedSize);
        peak.backingStorageSize = Math.max(peak.backingStorageSize, now.backingStorageSize);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const res = await upload("big.bin", 9 * MiB);
    uploading = false;
    await sampler;
    cdp.close();

    expect(res.status, res.body).toBe(201);
    const expected = createHash("sha256")
      .update(Buffer.alloc(9 * MiB, 7))
      .digest("hex");
    expect(JSON.parse(res.body)).toMatchObject({ size: 9 * MiB, sha256: expected });
    const grew = (key: keyof HeapUsage) => (peak[key] - base[key]) / MiB;
    console.log(
      `9 MiB upload: ArrayBuffer storage +${grew("backingStorageSize").toFixed(1)} MiB, JS heap +${grew("usedSize").toFixed(1)} MiB`,
    );
    expect(grew("backingStorageSize")).toBeLessThan(6.5);
  });
});
