import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "../services/idempotency";
import type { Store } from "../services/store";

export type Once<T> = { kind: "done"; value: T } | { kind: "seen" } | { kind: "in-progress" };

/**
 * Runs `work` once per provider event: Telegram retries an update until it gets a 2xx, Meta retries
 * its webhooks, and both may send one event twice. The event's id is claimed as an idempotency key
 * of the provider (`source`), kept 24 hours like any other; the claim is taken before the work and
 * freed if the work fails, so the provider's retry runs it again, and a Worker that dies mid-way
 * frees it when the claim's lock runs out.
 */
export async function once<T>(store: Store, source: string, eventId: string, work: () => Promise<T>): Promise<Once<T>> {
  const slot = { owner: `provider:${source}`, key: eventId.slice(0, 255) };
  const claim = await claimIdempotencyKey(store, { ...slot, requestHash: source });
  if (claim.kind === "replay" || claim.kind === "mismatch") return { kind: "seen" };
  if (claim.kind === "in-progress") return { kind: "in-progress" };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await releaseIdempotencyKey(store, slot).catch(() => {});
    throw error;
  }
  await completeIdempotencyKey(store, { ...slot, response: { status: 200, headers: {}, body: "" } });
  return { kind: "done", value };
}
