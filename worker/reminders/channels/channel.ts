import type { DueReminder } from "../claim";

/**
 * What became of one delivery attempt. `sent` means the provider accepted the message; the others say
 * whether trying again can help (`transient`), cannot (`permanent`), or waits on the operator
 * (`unconfigured`: no token, no recipient, no room).
 */
export type DeliveryResult =
  | { outcome: "sent" }
  | { outcome: "transient"; error: string; retryAfterSeconds?: number }
  | { outcome: "permanent"; error: string }
  | { outcome: "unconfigured"; error: string };

/** One way to reach a person. Each adapter turns a due reminder into one provider call. */
export interface Channel {
  deliver(reminder: DueReminder, signal: AbortSignal): Promise<DeliveryResult>;
}

/** The channel used when the settings it needs are missing; the scan looks again later. */
export const notConfigured = (what: string): Channel => ({
  deliver: async () => ({ outcome: "unconfigured", error: `channel not configured: ${what}` }),
});

export const transient = (error: string, retryAfterSeconds?: number): DeliveryResult => ({
  outcome: "transient",
  error,
  ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
});

export const permanent = (error: string): DeliveryResult => ({ outcome: "permanent", error });

export const noRecipient = (what: string): DeliveryResult => ({
  outcome: "unconfigured",
  error: `channel not configured: the reminder has no recipient and ${what} is not set`,
});
