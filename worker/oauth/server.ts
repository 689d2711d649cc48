import { OAuthAuthorizationServer } from "@cloudflare/workers-oauth-provider";
import { API_SCOPES } from "../db/schema";
import type { Env } from "../env";
import { mcpResource, OAUTH_ENDPOINTS } from "./paths";

/**
 * The authorization server of one origin (@cloudflare/workers-oauth-provider, its
 * docs/authorization-server.md): the issuer is the origin and the one resource is `<origin>/mcp`,
 * so the same Worker serves wrangler dev, workers.dev and a custom domain. Built once per origin
 * per isolate; the library refuses plain http except on a loopback host, so such an origin has none.
 */
const servers = new Map<string, OAuthAuthorizationServer<Env> | null>();
const ORIGINS_BOUND = 16;

/**
 * Access tokens live an hour (the library's default); the key behind them is re-checked on every
 * request. Refresh tokens keep the library's default too: they rotate, and the grant ends 30 days
 * after the consent (`refreshTokenTTL`, docs: "Defaults to 30 days").
 */
export const ACCESS_TOKEN_TTL_S = 3600;

export function authorizationServerFor(origin: string): OAuthAuthorizationServer<Env> | null {
  let server = servers.get(origin);
  if (server !== undefined) return server;
  try {
    server = new OAuthAuthorizationServer<Env>({
      issuer: origin,
      resources: [mcpResource(origin)],
      authorizeEndpoint: OAUTH_ENDPOINTS.authorize,
      tokenEndpoint: OAUTH_ENDPOINTS.token,
      // RFC 7591: Claude Desktop, claude.ai and the MCP Inspector register themselves.
      clientRegistrationEndpoint: OAUTH_ENDPOINTS.register,
      scopesSupported: [...API_SCOPES],
      accessTokenTTL: ACCESS_TOKEN_TTL_S,
    });
  } catch {
    server = null;
  }
  if (servers.size >= ORIGINS_BOUND) servers.delete(servers.keys().next().value!);
  servers.set(origin, server);
  return server;
}
