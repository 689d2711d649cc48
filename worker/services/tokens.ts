/** Bytes as base64url without padding (RFC 4648 §5): safe in URLs, headers and Telegram's callback_data. */
export const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** A secret of 32 random bytes, base64url (43 characters), after `prefix`. */
export const randomToken = (prefix: string) => `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
