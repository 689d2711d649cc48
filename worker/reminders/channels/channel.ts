import type { DueReminder } from "../claim";

/**
 * What became of one delivery attempt. `sent` means the provider took the message, and says how much
 * more is known: `delivered` only on evidence that it is in the chat, `accepted` otherwise. The
 * others say whether trying again can help (`transient`), cannot (`permanent`), or waits on the
 * operator (`unconfigured`: no token, no recipient, no room).
 */
export type DeliveryResult =
  | { outcome: "sent"; delivery: "accepted" | "delivered"; providerMessageId?: string }
  | { outcome: "transient"; error: string; retryAfterSeconds?: number }
  | { outcome: "permanent"; error: string }
  | { outcome: "unconfigured"; error: string };

/** One way to reach a person. Each adapter turns a due reminder into a provider call. */
export interface Channel {
  deliver(reminder: DueReminder, signal: AbortSignal): Promise<DeliveryResult>;
  /**
   * Milliseconds this channel may spend after the provider answered, waiting for it to confirm the
   * delivery (the gateway's `waitForCompletion`); the scan allows them on top of PROVIDER_TIMEOUT_MS.
   */
  confirmWaitMs?: number;
}

/** The channel used when the settings it needs are missing; the scan looks again later. */
export const notConfigured = (what: string): Channel => ({
  deliver: async () => ({ outcome: "unconfigured", error: `channel not configured: ${what}` }),
});

export const accepted = (providerMessageId?: unknown): DeliveryResult => ({
  outcome: "sent",
  delivery: "accepted",
  ...providerId(providerMessageId),
});

export const delivered = (providerMessageId?: unknown): DeliveryResult => ({
  outcome: "sent",
  delivery: "delivered",
  ...providerId(providerMessageId),
});

const providerId = (id: unknown) =>
  typeof id === "string" || typeof id === "number" ? { providerMessageId: String(id).slice(0, 256) } : {};

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
