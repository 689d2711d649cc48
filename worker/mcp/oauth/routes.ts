import { AuthorizationError, CimdFetchError } from "@cloudflare/workers-oauth-provider";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { API_SCOPES, type ApiScope } from "../../db/schema";
import type { Env, HonoEnv } from "../../env";
import { onError } from "../../http/on-error";
import { problem, problemResponse } from "../../http/problem";
import { principalOfSecret } from "../../middleware/auth";
import { requestId } from "../../middleware/request-id";
import { requestLog } from "../../middleware/request-log";
import { unitOfWork } from "../../middleware/unit-of-work";
import type { GrantProps } from "../../oauth/grant";
import { MCP_SCOPES, mcpResource, OAUTH_ENDPOINTS, PROTECTED_RESOURCE_METADATA } from "../../oauth/paths";
import { authorizationServerFor } from "../../oauth/server";
import { ADMIN_PRINCIPAL, hasScope, sha256Hex } from "../../services/api-keys";
import { CONSENT_STYLE, consentPage } from "./consent-page";

type OAuthServer = NonNullable<ReturnType<typeof authorizationServerFor>>;

/**
 * OAuth 2.1 for MCP (issue #18), loaded only for its own paths (worker/index.ts). The library
 * (@cloudflare/workers-oauth-provider) serves RFC 8414 metadata, RFC 7591 registration at /register
 * and the token endpoint at /token (PKCE S256, rotating refresh tokens, RFC 7009 revocation), whose
 * errors are OAuth's own JSON (RFC 6749 §5.2) as clients expect. This module serves RFC 9728
 * metadata and /authorize, the consent page.
 */
const oauth = new Hono<HonoEnv>();
oauth.use(requestId);
oauth.use(requestLog);

/**
 * The protection every response of the origin carries (the app's secureHeaders; test/page-protection.ts),
 * added where a response lacks it: the consent page sets its own CSP, which allows its style and form.
 */
const PROTECTION: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};
oauth.use(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(PROTECTION)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
});

/** The one body OAuth reads is small: a registration, a token request, the consent form. */
oauth.use(
  bodyLimit({
    maxSize: 16_384,
    onError: () => {
      throw new HTTPException(413, { message: "The body is larger than 16384 bytes." });
    },
  }),
);

/** This origin's authorization server; the library (docs/authorization-server.md) accepts http on loopback hosts only. */
function serverOf(c: Context<HonoEnv>): OAuthServer {
  const server = authorizationServerFor(new URL(c.req.url).origin);
  if (!server) throw new HTTPException(404, { message: "OAuth is served over https only (or http on localhost)." });
  return server;
}
oauth.use((c, next) => {
  serverOf(c);
  return next();
});

/** RFC 9728 §2: `resource` is required; the rest tell an MCP client where to authorize and what to ask for. */
const protectedResourceMetadata = (origin: string) => ({
  resource: mcpResource(origin),
  authorization_servers: [origin],
  // What a client asks for first (MCP: scope selection falls back to this list); the consent page narrows it.
  scopes_supported: [...MCP_SCOPES],
  bearer_methods_supported: ["header"],
  resource_name: "OpenClaw Sync",
  resource_documentation: `${origin}/docs`,
});

for (const path of [PROTECTED_RESOURCE_METADATA, `${PROTECTED_RESOURCE_METADATA}/mcp`]) {
  oauth.on(["GET", "HEAD"], path, (c) => {
    c.header("access-control-allow-origin", "*");
    c.header("cache-control", "public, max-age=300");
    return c.json(protectedResourceMetadata(new URL(c.req.url).origin));
  });
  oauth.options(path, (c) => {
    c.header("access-control-allow-origin", "*");
    c.header("access-control-allow-methods", "GET, HEAD, OPTIONS");
    c.header("access-control-allow-headers", "mcp-protocol-version");
    return c.body(null, 204);
  });
}

oauth.use(OAUTH_ENDPOINTS.authorize, unitOfWork);

oauth.get(OAUTH_ENDPOINTS.authorize, async (c) => {
  const api = serverOf(c).getOAuthApi(c.env);
  const request = await api.parseAuthRequest(c.req.raw);
  const details = await api.describeConsent(request);
  const consent = await api.beginConsent(request);
  const requested = request.scope.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));
  const html = consentPage({
    details,
    handle: consent.handle,
    request: new URL(c.req.url).search,
    checked: requested.length ? requested : [...MCP_SCOPES],
  });
  return htmlResponse(html, 200, consent.headers, request.redirectUri);
});

oauth.post(OAUTH_ENDPOINTS.authorize, async (c) => {
  const api = serverOf(c).getOAuthApi(c.env);
  const form = await c.req.formData();
  const handle = String(form.get("handle") ?? "");
  if (form.get("decision") !== "approve") {
    const denied = await api.denyConsent(c.req.raw, handle);
    return new Response(null, { status: 302, headers: denied.headers });
  }
  const secret = String(form.get("key") ?? "").trim();
  const chosen = [...new Set(form.getAll("scope").map(String))];
  const holder = secret ? await principalOfSecret(c, secret) : undefined;
  const unknown = chosen.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  const lacking = holder ? chosen.filter((s) => !hasScope(holder, s as ApiScope)) : [];
  const mistake = !holder
    ? "That is not a live API key or the admin token."
    : unknown.length
      ? `Unknown scope: ${unknown.join(", ")}.`
      : !chosen.length
        ? "Tick at least one scope."
        : lacking.length
          ? `This key lacks ${lacking.join(", ")}; its scopes are ${holder.scopes.join(", ")}.`
          : undefined;
  if (mistake) {
    // The same handle again: the request is the one stored under it, shown from its own query.
    const search = String(form.get("request") ?? "");
    const request = await api.parseAuthRequest(
      new Request(new URL(`${OAUTH_ENDPOINTS.authorize}${search}`, c.req.url)),
    );
    const checked = holder ? chosen.filter((s) => hasScope(holder, s as ApiScope)) : chosen;
    const html = consentPage({
      details: await api.describeConsent(request),
      handle,
      request: search,
      checked,
      error: mistake,
    });
    return htmlResponse(html, 422, new Headers({ "cache-control": "no-store" }), request.redirectUri);
  }
  const approved = await api.approveConsent(c.req.raw, handle, { scope: chosen });
  const props: GrantProps = {
    key_id: holder!.id,
    key_hash: await sha256Hex(secret),
    kind: holder === ADMIN_PRINCIPAL ? "admin" : "key",
    scopes: approved.request.scope as ApiScope[],
  };
  const { redirectTo } = await api.completeAuthorization({
    request: approved.request,
    userId: holder!.id,
    metadata: { key_name: holder!.name },
    scope: approved.request.scope,
    props,
  });
  approved.headers.set("location", redirectTo);
  return new Response(null, { status: 302, headers: approved.headers });
});

// Metadata, registration and the token endpoint: the library's.
oauth.all("*", (c) => serverOf(c).fetch(c.req.raw, c.env, c.executionCtx as ExecutionContext));

oauth.onError((err, c) => {
  // docs/consent-page.md, "Errors: redirect or render?": redirect only once the client and its
  // redirect URI are validated; otherwise say so here (a 400 problem, the API's one error format).
  if (err instanceof AuthorizationError && err.redirectTo) return c.redirect(err.redirectTo, 302);
  if (err instanceof AuthorizationError) return problemResponse(c, problem(400, "oauth-request", err.description));
  if (err instanceof CimdFetchError)
    return problemResponse(c, problem(400, "oauth-request", "This app could not be verified."));
  return onError(err, c);
});

/**
 * The consent page's headers: the library's (its binding cookie, no-store, never framed) plus a CSP
 * that allows the page's one style and a form posted here whose redirect goes to the client.
 */
async function htmlResponse(html: string, status: number, headers: Headers, redirectUri: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(CONSENT_STYLE));
  const styleHash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  const redirectOrigin = new URL(redirectUri).origin;
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set(
    "content-security-policy",
    `default-src 'none'; script-src 'self'; style-src 'sha256-${styleHash}'; form-action 'self' ${redirectOrigin}; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set("x-frame-options", "DENY");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  return new Response(html, { status, headers });
}

export const routeOAuthRequest = (request: Request, env: Env, ctx: ExecutionContext) => oauth.fetch(request, env, ctx);
