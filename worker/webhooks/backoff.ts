/**
 * Seconds to wait before attempt `failures + 1` of the same event: 30 s doubling to at most 4 h, with
 * ±20 % jitter so that receivers coming back are not hit by every subscription at once, and never
 * sooner than the receiver's `Retry-After`. With the default WEBHOOK_MAX_FAILURES of 14 the attempts
 * span about a day (30 s + 1 + 2 + 4 … min, then 4 h steps) before the subscription is disabled.
 */
export function retryDelaySeconds(failures: number, retryAfterSeconds?: number, random = Math.random): number {
  const base = Math.min(30 * 2 ** Math.max(0, failures - 1), 4 * 3600);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.ceil(Math.max(jittered, Math.min(retryAfterSeconds ?? 0, 24 * 3600)));
}
