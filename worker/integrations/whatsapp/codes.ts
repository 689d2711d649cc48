/**
 * Cloud API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes) that
 * mean "not now" rather than "never": throughput and pair-rate limits, and the Graph API's own rate
 * limits and temporary outages. The send call and the `failed` status webhooks share them.
 */
export const TRANSIENT_CODES = new Set([
  2, // service temporarily unavailable
  4, // application request limit reached
  80007, // WhatsApp Business Account rate limit
  130429, // throughput exceeded (80 messages/s per number by default)
  131016, // service overloaded
  131056, // too many messages to one recipient (about one per 6 s)
]);

/** Outside the 24-hour window only an approved template is delivered. */
export const OUTSIDE_WINDOW = 131047;
