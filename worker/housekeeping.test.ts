import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "../test/helpers";
import { SWEEP_MINUTE, sweepAttachments } from "./housekeeping";

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
});
