import type { ScanConfig } from "../settings/scan";
import type { DeliveryResult } from "./channels/channel";

/**
 * What to write for one claimed reminder:
 * - `sent`: the provider took it; `delivery` says whether it is known to be in the chat.
 * - `retry`: a transient failure; try again after `delaySeconds`.
 * - `failed`: a permanent failure, or too many transient ones; no more attempts.
 * - `waiting`: the channel is not configured; nothing was attempted, look again after `delaySeconds`.
 * - `skipped`: its task stopped being pending after the claim; not sent, `error` says why.
 * - `released`: the scan ran out of time before trying, or its claim is gone; hand it straight back.
 */
export type Outcome =
  | { id: string; kind: "sent"; at: Date; delivery: "accepted" | "delivered"; providerMessageId?: string }
  | { id: string; kind: "skipped"; at: Date; error: string }
  | { id: string; kind: "retry" | "waiting"; at: Date; delaySeconds: number; error: string }
  | { id: string; kind: "failed"; at: Date; error: string }
  | { id: string; kind: "released" };

/**
 * How long an unconfigured channel's reminders wait before the scan looks again. They are kept, not
 * failed: a missing secret is the operator's mistake, and once it is set they go out within this time.
 */
export const UNCONFIGURED_RECHECK_SECONDS = 300;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * base·2^(n-1), capped, so retries spread out without ever coming back sooner than half the step.
 */
export function backoffSeconds(attempt: number, config: ScanConfig, random: () => number): number {
  const step = Math.min(config.retryMaxSeconds, config.retryBaseSeconds * 2 ** (attempt - 1));
  return step / 2 + (random() * step) / 2;
}

/** Turns a delivery result into the outcome to record; `attempts` is the count before this attempt. */
export function decideOutcome(
  id: string,
  attempts: number,
  result: DeliveryResult,
  config: ScanConfig,
  at: Date,
  random: () => number,
): Outcome {
  switch (result.outcome) {
    case "sent":
      return {
        id,
        kind: "sent",
        at,
        delivery: result.delivery,
        ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}),
      };
    case "permanent":
      return { id, kind: "failed", at, error: result.error };
    case "unconfigured":
      return { id, kind: "waiting", at, delaySeconds: UNCONFIGURED_RECHECK_SECONDS, error: result.error };
    case "transient": {
      const attempt = attempts + 1;
      if (attempt >= config.maxAttempts) {
        return { id, kind: "failed", at, error: `${result.error} (gave up after ${attempt} attempts)` };
      }
      // A provider's own "retry after" wins when it asks for longer than our backoff.
      const delaySeconds = Math.max(backoffSeconds(attempt, config, random), result.retryAfterSeconds ?? 0);
      return { id, kind: "retry", at, delaySeconds, error: result.error };
    }
  }
}
