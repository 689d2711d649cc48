import type { Env } from "../env";
import { authorizationServerFor } from "./server";

/**
 * Revokes every OAuth grant made with a key (their `userId` is the key's id), with their refresh
 * and access tokens (the library's `listUserGrants` / `revokeGrant`, docs/authorization-server.md,
 * "OAuth helpers"), so a client holding one cannot even refresh. Each request made with a grant
 * also re-checks its key (middleware/auth.ts): this is the cleanup, not the guarantee. Grants are
 * kept per user in the one OAUTH_KV namespace, whatever the issuer (the library's storage-schema.md:
 * `grant:<userId>:<grantId>`), so a revocation on an origin without OAuth (plain http, not
 * loopback) reaches them through the loopback one.
 * Returns how many were revoked.
 */
export async function revokeGrantsOfKey(env: Env, origin: string, keyId: string): Promise<number> {
  const server = authorizationServerFor(origin) ?? authorizationServerFor("http://localhost");
  if (!server) return 0;
  const api = server.getOAuthApi(env);
  let revoked = 0;
  let cursor: string | undefined;
  do {
    const page = await api.listUserGrants(keyId, { cursor, limit: 1000 });
    for (const grant of page.items) {
      await api.revokeGrant(grant.id, keyId);
      revoked++;
    }
    cursor = page.cursor;
  } while (cursor);
  return revoked;
}
