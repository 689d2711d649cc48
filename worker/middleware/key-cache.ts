import type { Principal } from "../services/api-keys";

export interface CachedKey {
  /** The key's owner, or undefined for a hash no live key has (a miss, cached like a hit). */
  principal: Principal | undefined;
  /** When the lookup is due again (ms since the epoch). */
  until: number;
  /** When this isolate last wrote the key's `last_used_at`. */
  touchedAt: number;
}

/**
 * An isolate's memory of key lookups by hash. Known keys and misses live in two least-recently-used
 * maps of at most `bound` entries each, so random keys cost one lookup each, then none while
 * cached, and a flood of them neither grows memory nor pushes out the keys in use.
 */
export class KeyCache {
  readonly #known = new Map<string, CachedKey>();
  readonly #unknown = new Map<string, CachedKey>();

  constructor(
    readonly bound: number,
    readonly ttlMs: number,
  ) {}

  /** Entries held, known and unknown together: at most twice `bound`. */
  get size() {
    return this.#known.size + this.#unknown.size;
  }

  /** The entry for `hash`; `lookUp` runs only when there is none or it is older than the TTL. */
  async resolve(
    hash: string,
    lookUp: (hash: string) => Promise<Principal | undefined>,
    now = Date.now(),
  ): Promise<CachedKey> {
    const cached = this.#known.get(hash) ?? this.#unknown.get(hash);
    const entry =
      cached && cached.until >= now
        ? cached
        : { principal: await lookUp(hash), until: now + this.ttlMs, touchedAt: cached?.touchedAt ?? 0 };
    this.#remember(hash, entry);
    return entry;
  }

  /** Drops the key `id`, so its next request looks it up again (after a revocation). */
  forgetKey(id: string) {
    for (const [hash, entry] of this.#known) if (entry.principal?.id === id) this.#known.delete(hash);
  }

  /** Drops every cached miss, so a key that was tried before it existed works at once. */
  forgetMisses() {
    this.#unknown.clear();
  }

  #remember(hash: string, entry: CachedKey) {
    this.#known.delete(hash);
    this.#unknown.delete(hash);
    // A Map iterates in insertion order: re-inserting makes this the most recent, the first the least.
    const map = entry.principal ? this.#known : this.#unknown;
    map.set(hash, entry);
    if (map.size > this.bound) map.delete(map.keys().next().value!);
  }
}
