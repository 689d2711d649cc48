import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { shownColumns } from "../db/rows";
import { API_KEY_INTERNAL, type ApiKeyRow, type ApiScope, apiKeys } from "../db/schema";
import { NotFoundError } from "./errors";
import type { Store } from "./store";
import { randomToken } from "./tokens";

/** Who is calling: an API key, or the operator's bootstrap ADMIN_TOKEN. */
export interface Principal {
  id: string;
  name: string;
  scopes: readonly ApiScope[];
}

export const ADMIN_PRINCIPAL: Principal = { id: "admin-token", name: "ADMIN_TOKEN", scopes: ["admin"] };

const KEY_PREFIX = "ocs_";
const KEY_SHAPE = /^ocs_[A-Za-z0-9_-]{43}$/;

/** Whether a bearer token has the shape of a key this service issues (cheap check before any lookup). */
export const looksLikeApiKey = (token: string) => KEY_SHAPE.test(token);

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** 32 random bytes, base64url: `ocs_` + 43 characters. */
export const generateApiKey = () => randomToken(KEY_PREFIX);

/** A principal holds `scope` if it was granted it, or is an admin (which holds every scope). */
export const hasScope = (principal: Principal, scope: ApiScope) =>
  principal.scopes.includes(scope) || principal.scopes.includes("admin");

/** What GET /me tells a caller about itself: which credential, its name and scopes, and whether it is an admin. */
export function describeCaller(principal: Principal) {
  const adminToken = principal.id === ADMIN_PRINCIPAL.id;
  return {
    kind: adminToken ? ("admin_token" as const) : ("api_key" as const),
    id: adminToken ? null : principal.id,
    name: principal.name,
    scopes: [...principal.scopes],
    admin: hasScope(principal, "admin"),
  };
}

export type ApiKeyView = Omit<ApiKeyRow, keyof typeof API_KEY_INTERNAL>;

/** What a key's rows are read as: never its hash. */
const shown = shownColumns(apiKeys, API_KEY_INTERNAL);

/** Creates a key and returns it with its secret, which is never stored and never shown again. */
export async function createApiKey(store: Store, input: { name: string; scopes: ApiScope[] }) {
  const key = generateApiKey();
  const [row] = await store.db
    .insert(apiKeys)
    .values({
      name: input.name,
      scopes: [...new Set(input.scopes)],
      prefix: key.slice(0, 12),
      hash: await sha256Hex(key),
    })
    .returning(shown);
  return { ...row!, key };
}

export async function listApiKeys(store: Store): Promise<ApiKeyView[]> {
  return store.db.select(shown).from(apiKeys).orderBy(desc(apiKeys.created_at), desc(apiKeys.id));
}

/**
 * Revokes a key; revoking twice is harmless and answers with the original revocation.
 * @throws NotFoundError
 */
export async function revokeApiKey(store: Store, { id }: { id: string }): Promise<ApiKeyView> {
  const [row] = await store.db
    .update(apiKeys)
    .set({ revoked_at: sql`coalesce(${apiKeys.revoked_at}, now())` })
    .where(eq(apiKeys.id, id))
    .returning(shown);
  if (!row) throw new NotFoundError("API key", id);
  return row;
}

/** The live (unrevoked) key with this hash, if any. */
export async function findActiveKey(store: Store, { hash }: { hash: string }): Promise<Principal | undefined> {
  const [row] = await store.db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revoked_at)));
  return row;
}

/** Records use at most once per `minutes`, so a busy key costs one write per interval, not per request. */
export async function touchApiKey(store: Store, { id, minutes }: { id: string; minutes: number }) {
  await store.db
    .update(apiKeys)
    .set({ last_used_at: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        sql`(${apiKeys.last_used_at} is null or ${apiKeys.last_used_at} < now() - make_interval(mins => ${minutes}))`,
      ),
    );
}
