import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { call } from "../test/helpers";
import { pruneExpired, SWEEP_MINUTE, sweepAttachments } from "./housekeeping";

/** A bucket that lists `objects` and records what is deleted: R2's list and delete, nothing more. */
function fakeBucket(objects: { key: string; uploaded: Date }[]) {
  const listed: string[] = [];
  const deleted: string[] = [];
  const bucket = {
    list: async ({ prefix }: { prefix: string }) => {
      listed.push(prefix);
      return { objects: objects.filter((o) => o.key.startsWith(prefix)), truncated: false };
    },
    delete: async (keys: string | string[]) => {
      deleted.push(...[keys].flat());
    },
  };
  return { bucket: bucket as unknown as R2Bucket, listed, deleted };
}

describe("the hourly sweep of attachment objects (cron)", () => {
  it("runs at its minute only, and deletes only objects older than an hour that have no row", async () => {
    const task = (await call("POST", "/tasks", { title: "Swept" })).body.id;
    const kept = (await call("POST", `/tasks/${task}/attachments?filename=kept.txt`, "kept")).body.id;
    const at = new Date(Date.UTC(2026, 11, 3, 10, SWEEP_MINUTE));
    const old = new Date(at.getTime() - 2 * 3_600_000);
    const objects = [
      { key: `tasks/${task}/${kept}`, uploaded: old },
      { key: `tasks/${task}/${crypto.randomUUID()}`, uploaded: old },
      { key: `tasks/${task}/${crypto.randomUUID()}`, uploaded: new Date(at.getTime() - 60_000) },
      { key: `tasks/${task}/not-an-attachment`, uploaded: old },
    ];
    const other = fakeBucket(objects);
    await sweepAttachments({ ...env, ATTACHMENTS: other.bucket }, new Date(at.getTime() - 60_000));
    expect(other.listed).toEqual([]);

    const fake = fakeBucket(objects);
    await sweepAttachments({ ...env, ATTACHMENTS: fake.bucket }, at);
    expect(fake.listed).toEqual(["tasks/"]);
    expect(fake.deleted).toEqual([objects[1]!.key]);
  });

  // The cron runs each job in its own waitUntil (cron.ts): a bad setting fails that job, logged, and never throws.
  it("logs a bad database setting naming it, and never throws, like pruning", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const bad = { ...env, DB_CONNECT_TIMEOUT_S: "soon", ATTACHMENTS: fakeBucket([]).bucket };
    try {
      await expect(sweepAttachments(bad, new Date(Date.UTC(2026, 11, 3, 10, SWEEP_MINUTE)))).resolves.toBeUndefined();
      await expect(pruneExpired(bad)).resolves.toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    const logged = errors.map((line) => JSON.parse(line));
    expect(logged.map((l) => l.msg)).toEqual(["sweeping attachment objects failed", "pruning failed"]);
    expect(JSON.stringify(logged)).toContain("DB_CONNECT_TIMEOUT_S");
  });
});
