import { SELF } from "cloudflare:test";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/** The OAuth tests' origin: the library serves OAuth over https, or http on a loopback host (wrangler dev). */
export const ORIGIN = "http://localhost";
export const MCP_URL = `${ORIGIN}/mcp`;
/** A local app's loopback callback (RFC 8252 §7.3), as Claude Desktop and the MCP Inspector use. */
export const REDIRECT_URL = "http://127.0.0.1:33418/oauth/callback";

/**
 * The MCP SDK's client-side OAuth hooks (`OAuthClientProvider`, @modelcontextprotocol/sdk
 * client/auth.ts), kept in memory as a desktop client would keep them on disk. "Redirecting" only
 * records the authorization URL; the test plays the person at the consent page.
 */
export class MemoryOAuthClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = "";

  get redirectUrl() {
    return REDIRECT_URL;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "OAuth test client",
      redirect_uris: [REDIRECT_URL],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  /** The SDK calls this when the server refuses what it holds (an `invalid_grant` refresh, an unknown client). */
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all" || scope === "client") this.#client = undefined;
    if (scope === "all" || scope === "tokens") this.#tokens = undefined;
    if (scope === "all" || scope === "verifier") this.#verifier = "";
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

const unescapeHtml = (value: string) => value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

/** Opens the consent page as a browser would: its HTML, the form's hidden fields and the binding cookie. */
export async function openConsent(authorizationUrl: URL | string) {
  const page = await SELF.fetch(authorizationUrl, { redirect: "manual" });
  const html = await page.text();
  const field = (name: string) => {
    const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
    return match ? unescapeHtml(match[1]!) : undefined;
  };
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]!;
  return { page, html, handle: field("handle"), request: field("request"), cookie };
}

/** Posts the consent form: `decision` approve (with `key` and the ticked `scopes`) or deny. */
export async function submitConsent(
  consent: Awaited<ReturnType<typeof openConsent>>,
  form: { key?: string; scopes?: string[]; decision?: "approve" | "deny" },
) {
  const body = new URLSearchParams({
    handle: consent.handle ?? "",
    request: consent.request ?? "",
    key: form.key ?? "",
    decision: form.decision ?? "approve",
  });
  for (const scope of form.scopes ?? []) body.append("scope", scope);
  return SELF.fetch(`${ORIGIN}/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: consent.cookie },
    body,
  });
}

/** The person's whole visit: open the page, paste the key, tick the scopes, and follow the redirect's code. */
export async function consentWith(authorizationUrl: URL, key: string, scopes: string[]) {
  const answer = await submitConsent(await openConsent(authorizationUrl), { key, scopes });
  if (answer.status !== 302) throw new Error(`consent answered ${answer.status}: ${await answer.text()}`);
  const location = new URL(answer.headers.get("location")!);
  return { location, code: location.searchParams.get("code")! };
}
