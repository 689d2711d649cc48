import { base64url } from "../services/tokens";

/**
 * What a reminder's chat buttons do, and the opaque, signed payload each button carries.
 *
 * Signed rather than looked up server-side: a button's payload is all a tap brings back, and signing
 * it needs no table, no write per reminder sent and no sweep. The MAC binds the action, the reminder
 * and the chat (or WhatsApp number) the reminder was sent to, so a payload tampered by one byte, moved
 * onto another reminder or replayed from another chat fails verification. Replaying a genuine tap
 * is harmless: the action checks the reminder and its task as they are now (actions.ts), and the
 * providers' retries are deduplicated on their update and message ids.
 *
 * Telegram allows 1–64 bytes of `callback_data` (core.telegram.org/bots/api#inlinekeyboardbutton);
 * a payload here is 39 ASCII bytes: one action letter, the reminder's UUID in base64url (22) and 96
 * bits of HMAC-SHA256 (16). WhatsApp reply-button ids allow 256 characters.
 */

export const CHAT_ACTIONS = ["done", "snooze10", "snooze60", "tomorrow"] as const;
export type ChatAction = (typeof CHAT_ACTIONS)[number];

const CODES: Record<ChatAction, string> = { done: "d", snooze10: "s", snooze60: "h", tomorrow: "t" };
const BY_CODE = new Map(Object.entries(CODES).map(([action, code]) => [code, action as ChatAction]));

/** Button labels: Telegram's are free; WhatsApp's reply-button titles take at most 20 characters. */
export const ACTION_LABELS: Record<ChatAction, string> = {
  done: "Done",
  snooze10: "10 min",
  snooze60: "1 hour",
  tomorrow: "Tomorrow",
};

const MAC_BYTES = 12;
const encoder = new TextEncoder();

function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const uuidBytes = (id: string) => Uint8Array.from(id.replace(/-/g, "").match(/../g)!, (h) => Number.parseInt(h, 16));

function uuidFrom(bytes: Uint8Array) {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function mac(secret: string, code: string, reminderId: string, audience: string) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  // Domain-separated from the secret's other use (the provider's own webhook check).
  const message = `openclaw-sync/chat-action/v1\n${code}\n${reminderId}\n${audience}`;
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message))).slice(0, MAC_BYTES);
}

/** The payload of one button: `action` on `reminderId`, valid only from `audience` (a chat id or number). */
export async function signAction(secret: string, action: ChatAction, reminderId: string, audience: string) {
  const code = CODES[action];
  return `${code}${base64url(uuidBytes(reminderId))}${base64url(await mac(secret, code, reminderId, audience))}`;
}

/** The action and reminder a payload names, or undefined unless it was signed with `secret` for `audience`. */
export async function verifyAction(
  secret: string,
  payload: unknown,
  audience: string,
): Promise<{ action: ChatAction; reminderId: string } | undefined> {
  if (typeof payload !== "string" || payload.length !== 39) return undefined;
  const action = BY_CODE.get(payload[0]!);
  const id = fromBase64url(payload.slice(1, 23));
  const given = fromBase64url(payload.slice(23));
  if (!action || id?.length !== 16 || given?.length !== MAC_BYTES) return undefined;
  const reminderId = uuidFrom(id);
  const expected = await mac(secret, CODES[action], reminderId, audience);
  return crypto.subtle.timingSafeEqual(expected, given) ? { action, reminderId } : undefined;
}
