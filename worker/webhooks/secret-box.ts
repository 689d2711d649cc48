/**
 * Subscription secrets at rest. Signing needs the secret itself (HMAC), so it cannot be hashed like an
 * API key; it is sealed with AES-256-GCM under a key derived (HKDF-SHA-256) from WEBHOOK_SECRETS_KEY,
 * or ADMIN_TOKEN when that is unset. A database dump alone never reveals a secret.
 */

const INFO = new TextEncoder().encode("openclaw-sync webhook secrets v1");
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(material: string): Promise<CryptoKey> {
  let key = keys.get(material);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", new TextEncoder().encode(material), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    keys.set(material, key);
  }
  return key;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** `v1.<iv>.<ciphertext>`, both base64. */
export async function seal(material: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await keyFor(material),
    new TextEncoder().encode(secret),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** @throws when the key material is not the one it was sealed with, or the text was tampered with. */
export async function unseal(material: string, sealed: string): Promise<string> {
  const [version, iv, body] = sealed.split(".");
  if (version !== "v1" || !iv || !body) throw new Error("not a sealed webhook secret");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv) },
    await keyFor(material),
    fromBase64(body),
  );
  return new TextDecoder().decode(plain);
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}
