import type { ApiScope } from "../db/schema";

/**
 * What a grant remembers (its `props`, which the library stores encrypted, unwrapped only with a
 * token): which credential it acts as and the scopes the person chose. Never the key itself.
 */
export interface GrantProps {
  /** The API key's id, or ADMIN_PRINCIPAL's for the admin token. */
  key_id: string;
  /** SHA-256 (hex) of the key, or of the admin token: how each request finds the credential again. */
  key_hash: string;
  /** `admin` when the grant was made with the ADMIN_TOKEN. */
  kind: "key" | "admin";
  scopes: ApiScope[];
}
