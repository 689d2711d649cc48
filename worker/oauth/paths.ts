import type { ApiScope } from "../db/schema";
import { problem, problemAsResponse } from "../http/problem";
import { requestIdFor } from "../http/request-id";

/**
 * Where OAuth 2.1 for MCP lives (worker/oauth/routes.ts, loaded only when one of these paths is
 * asked for). Eager and tiny: the Worker's every other request pays nothing for OAuth.
 */
export const OAUTH_ENDPOINTS = { authorize: "/authorize", token: "/token", register: "/register" } as const;

/** RFC 9728 §3: protected-resource metadata. Served here and at the path-aware `…/mcp` (§3.1). */
export const PROTECTED_RESOURCE_METADATA = "/.well-known/oauth-protected-resource";
/** RFC 8414 §3: authorization-server metadata, for an issuer that is the origin itself. */
export const AUTHORIZATION_SERVER_METADATA = "/.well-known/oauth-authorization-server";

/** Every path OAuth serves (test/security/auth-matrix.test.ts holds a hand-written row for each). */
export const OAUTH_PATHS: ReadonlySet<string> = new Set<string>([
  ...Object.values(OAUTH_ENDPOINTS),
  PROTECTED_RESOURCE_METADATA,
  `${PROTECTED_RESOURCE_METADATA}/mcp`,
  AUTHORIZATION_SERVER_METADATA,
]);

/** The MCP endpoint is the one protected resource; its tokens are good there only (RFC 8707 audience). */
export const mcpResource = (origin: string) => `${origin}/mcp`;
/**
 * The metadata URL a 401 from /mcp names: RFC 9728 §3.1 inserts the well-known suffix before the
 * resource's path, so `<origin>/mcp` is described at `/.well-known/oauth-protected-resource/mcp`
 * (as the library's docs/mcp-discovery.md builds it). The origin-level document is served as well,
 * for clients that probe the root (MCP authorization, "Protected Resource Metadata Discovery").
 */
export const resourceMetadataUrl = (origin: string) => `${origin}${PROTECTED_RESOURCE_METADATA}/mcp`;

export const isOAuthPath = (pathname: string) => OAUTH_PATHS.has(pathname);

/**
 * The scopes an MCP client asks for first, in the 401's challenge and the protected-resource
 * metadata's `scopes_supported` (MCP: "the minimal set … for basic functionality"): what the tools
 * use, never `admin`. The person narrows them on the consent page to what the pasted key holds.
 */
export const MCP_SCOPES: readonly ApiScope[] = ["tasks:read", "tasks:write", "reminders:read", "reminders:write"];

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Whether OAuth is served at this URL's origin: over https, or http on a loopback host (`wrangler
 * dev`), the only origins the library accepts as issuer (docs/authorization-server.md, "Resources").
 */
export const servesOAuth = (url: URL) =>
  url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname));

/** Any other `/.well-known/…` path: the API's 404, never a 401 that would send a client looking for OAuth. */
export const isOtherWellKnown = (pathname: string) => pathname.startsWith("/.well-known/") && !isOAuthPath(pathname);

export const wellKnownNotFound = (request: Request) =>
  problemAsResponse(
    problem(404, "not-found", `No document at ${new URL(request.url).pathname}.`),
    requestIdFor(request.headers.get("x-request-id")),
  );
