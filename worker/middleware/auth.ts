import { createMiddleware } from "hono/factory";
import type { ApiScope } from "../db/schema";
import type { HonoEnv } from "../env";
import { MCP_SCOPES, resourceMetadataUrl, servesOAuth } from "../oauth/paths";
import {
  ADMIN_PRINCIPAL,
  findActiveKey,
  hasScope,
  looksLikeApiKey,
  type Principal,
  sha256Hex,
  touchApiKey,
} from "../services/api-keys";
import { ForbiddenError, UnauthenticatedError } from "../services/errors";
import { settingsOf } from "../settings";
import { KeyCache } from "./key-cache";

/**
 * Routes anyone may call: liveness and the API's own description; and the chat providers'
 * webhooks, which prove themselves with their own secret (routes/integrations).
 */
export const PUBLIC_PATHS = new Set([
  "/health",
  "/openapi.json",
  "/docs",
  "/integrations/telegram/webhook",
  "/integrations/whatsapp/webhook",
]);

/** Paths under which the address itself is the credential: the secret calendar feeds. */
export const PUBLIC_PREFIXES = ["/calendar/"];

export const isPublicPath = (path: string) =>
  PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));

/**
 * Key lookups, hits and misses alike, are cached in the isolate (module scope holds data, never
 * connections), so a busy key, or a wrong one sent over and over, costs one database read per TTL.
 * A revoked key therefore stops working within the TTL everywhere, and at once in the isolate that
 * revoked it. The bound keeps random keys from growing the isolate's memory.
 */
const CACHE_TTL_MS = 30_000;
const CACHE_BOUND = 1_000;
const TOUCH_EVERY_MINUTES = 5;
const keyCache = new KeyCache(CACHE_BOUND, CACHE_TTL_MS);

/** After a revocation: the key's next request in this isolate is looked up again, and refused. */
export const forgetCachedKey = (id: string) => keyCache.forgetKey(id);

/**
 * After a key is created: no cached miss may outlive it here. Elsewhere a miss lasts at most the
 * TTL, and only a secret tried before its key existed can have one.
 */
export const forgetUnknownKeys = () => keyCache.forgetMisses();

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * The shape of @cloudflare/workers-oauth-provider's access tokens, `userId:grantId:secret` (its
 * storage-schema.md): only such a token costs an OAuth lookup.
 */
const looksLikeOAuthToken = (token: string) => /^[^:]+:[^:]+:[^:]+$/.test(token) && token.length <= 512;

/** Compares digests rather than the secrets, so the comparison's time says nothing about the token. */
async function isAdminToken(token: string, adminToken: string | undefined) {
  if (!adminToken) return false;
  const [a, b] = await Promise.all(
    [token, adminToken].map((t) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(t))),
  );
  return crypto.subtle.timingSafeEqual(a!, b!);
}

/** Resolves the caller from `Authorization: Bearer …` on every non-public route. */
export const authenticate = createMiddleware<HonoEnv>(async (c, next) => {
  if (isPublicPath(c.req.path) || c.req.method === "OPTIONS") return next();
  const header = c.req.header("authorization");
  if (!header) {
    throw new UnauthenticatedError("Send an API key as `Authorization: Bearer <key>`.", "missing", oauthChallengeOf(c));
  }
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    throw new UnauthenticatedError(
      "The Authorization header must be `Bearer <key>`.",
      "invalid_request",
      oauthChallengeOf(c),
    );
  }
  const principal =
    (await principalOfSecret(c, token)) ??
    // An OAuth access token is good for /mcp only (its audience); its module loads only when one comes.
    (isMcpPath(c.req.path) && looksLikeOAuthToken(token) ? await principalOfAccessToken(c, token) : undefined);
  if (!principal)
    throw new UnauthenticatedError(
      "This API key is unknown or has been revoked.",
      "invalid_token",
      oauthChallengeOf(c),
    );
  c.set("principal", principal);
  await next();
});

type AuthContext = Parameters<typeof authenticate>[0];

const isMcpPath = (path: string) => path === "/mcp" || path.startsWith("/mcp/");

/**
 * What a 401 from /mcp names (MCP authorization: "MUST use the WWW-Authenticate header … to indicate
 * the location of the resource server metadata URL", RFC 9728 §5.1; and SHOULD name the scopes to
 * request, modelcontextprotocol.io/specification/2025-11-25/basic/authorization), where this origin
 * serves OAuth.
 */
function oauthChallengeOf(c: AuthContext) {
  const url = new URL(c.req.url);
  if (!isMcpPath(url.pathname) || !servesOAuth(url)) return undefined;
  return { resourceMetadata: resourceMetadataUrl(url.origin), scope: MCP_SCOPES.join(" ") };
}

/**
 * An OAuth access token's caller: the key its grant acts as, looked up again on every request (so a
 * revoked key's grant is refused within CACHE_TTL_MS), or the admin token while it is unchanged.
 */
async function principalOfAccessToken(c: AuthContext, token: string): Promise<Principal | undefined> {
  const { grantOfAccessToken, grantPrincipal } = await import("../oauth/access");
  const grant = await grantOfAccessToken(c.env, new URL(c.req.url).origin, token);
  if (!grant) return undefined;
  const { kind, key_hash } = grant.props;
  const holder =
    kind === "admin"
      ? (await isAdminTokenHash(c, key_hash))
        ? ADMIN_PRINCIPAL
        : undefined
      : await principalOfKeyHash(c, key_hash);
  return grantPrincipal(holder, grant);
}

/** The caller an API key or the ADMIN_TOKEN stands for (the consent page asks for one of them too). */
export async function principalOfSecret(c: AuthContext, secret: string): Promise<Principal | undefined> {
  return (await isAdminToken(secret, settingsOf(c.env).auth.adminToken)) ? ADMIN_PRINCIPAL : lookUpKey(c, secret);
}

/**
 * The live key with this hash, through the same cache as a bearer key: an OAuth grant re-checks its
 * key on every request, so revoking the key ends the grant within CACHE_TTL_MS.
 */
export async function principalOfKeyHash(c: AuthContext, hash: string): Promise<Principal | undefined> {
  return (await resolveKey(c, hash)).principal;
}

/** Whether `hash` (SHA-256, hex) is the current ADMIN_TOKEN's: an admin grant ends when the token changes. */
export async function isAdminTokenHash(c: AuthContext, hash: string) {
  const adminToken = settingsOf(c.env).auth.adminToken;
  return !!adminToken && (await sha256Hex(adminToken)) === hash;
}

async function lookUpKey(c: AuthContext, token: string) {
  if (!looksLikeApiKey(token)) return undefined;
  return (await resolveKey(c, await sha256Hex(token))).principal;
}

async function resolveKey(c: AuthContext, hash: string) {
  const now = Date.now();
  const entry = await keyCache.resolve(hash, (hash) => findActiveKey(c.var.store, { hash }), now);
  const { principal } = entry;
  if (principal && now - entry.touchedAt > TOUCH_EVERY_MINUTES * 60_000) {
    entry.touchedAt = now;
    c.executionCtx.waitUntil(
      touchApiKey(c.var.store, { id: principal.id, minutes: TOUCH_EVERY_MINUTES }).catch(() => {}),
    );
  }
  return entry;
}

/** Throws 403's domain error, naming the scope, unless `principal` holds `scope` (routes and MCP tools alike). */
export function assertScope(principal: Principal, scope: ApiScope) {
  if (!hasScope(principal, scope)) throw new ForbiddenError(`This API key lacks the scope '${scope}'.`);
}

/** Refuses the request (403, naming the first missing scope) unless the caller holds every one of `scopes`. */
export const requireScopes = (...scopes: ApiScope[]) =>
  createMiddleware<HonoEnv>(async (c, next) => {
    for (const scope of scopes) assertScope(c.var.principal, scope);
    await next();
  });

/** Spread into `createRoute`: enforces the scopes and documents them in the OpenAPI document. */
export const scoped = (...scopes: [ApiScope, ...ApiScope[]]) => ({
  middleware: [requireScopes(...scopes)],
  security: [{ bearer: scopes }],
});
