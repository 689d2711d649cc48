import { describe, expect, it } from "vitest";
import { createKey, testStore } from "../../test/helpers";
import { findActiveKey, generateApiKey, sha256Hex } from "../services/api-keys";
import { KeyCache } from "./key-cache";

const store = testStore();

/** The real lookup against the real table, counted. */
function countedLookUp() {
  const calls = new Map<string, number>();
  const lookUp = (hash: string) => {
    calls.set(hash, (calls.get(hash) ?? 0) + 1);
    return findActiveKey(store, { hash });
  };
  const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
  return { lookUp, calls, total };
}

const randomHashes = (n: number) => Promise.all(Array.from({ length: n }, () => sha256Hex(generateApiKey())));

describe("KeyCache", () => {
  it("looks each unknown key up once, then answers it from the cache until the TTL", async () => {
    const cache = new KeyCache(100, 30_000);
    const { lookUp, total } = countedLookUp();
    const hashes = await randomHashes(100);
    const now = Date.now();
    for (let round = 0; round < 5; round++) {
      for (const hash of hashes) expect((await cache.resolve(hash, lookUp, now)).principal).toBeUndefined();
    }
    expect(total()).toBe(100);
    await cache.resolve(hashes[0]!, lookUp, now + 30_001);
    expect(total()).toBe(101);
  });

  it("stays within its bound under a flood of unknown keys, and keeps the known key it serves", async () => {
    const bound = 50;
    const cache = new KeyCache(bound, 30_000);
    const { lookUp, calls, total } = countedLookUp();
    const known = await sha256Hex((await createKey(["tasks:read"], "key cache flood")).key);
    expect((await cache.resolve(known, lookUp)).principal?.name).toBe("key cache flood");
    const flood = await randomHashes(10 * bound);
    for (const hash of flood) {
      await cache.resolve(hash, lookUp);
      expect(cache.size).toBeLessThanOrEqual(2 * bound);
      expect((await cache.resolve(known, lookUp)).principal?.name).toBe("key cache flood");
    }
    expect(calls.get(known)).toBe(1);
    // Each flooding key costs one lookup: none is looked up twice.
    expect(total()).toBe(1 + flood.length);
    expect(cache.size).toBe(1 + bound);
  });

  it("forgets its misses on demand, and a revoked key by id", async () => {
    const cache = new KeyCache(10, 30_000);
    const { lookUp, total } = countedLookUp();
    const [miss] = await randomHashes(1);
    await cache.resolve(miss!, lookUp);
    cache.forgetMisses();
    await cache.resolve(miss!, lookUp);
    expect(total()).toBe(2);

    const created = await createKey(["tasks:read"], "key cache revoke");
    const hash = await sha256Hex(created.key);
    await cache.resolve(hash, lookUp);
    cache.forgetKey(created.id);
    await cache.resolve(hash, lookUp);
    expect(total()).toBe(4);
  });
});
