import { SELF } from "cloudflare:test";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { call, createKey, expectProblem, workerFetch } from "../helpers";
import { callTool, callToolOk, problemOf } from "../mcp";
import { expectPageProtection } from "../page-protection";
import { consentWith, MCP_URL, MemoryOAuthClient, ORIGIN, openConsent, REDIRECT_URL, submitConsent } from "./client";

const connect = async (provider: MemoryOAuthClient) => {
  const client = new Client({ name: "oauth-tests", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: workerFetch });
  await client.connect(transport);
  return { client, transport };
};

/** The SDK's whole flow up to tokens: 401, discovery, registration, authorize (the person consents), token. */
async function authorize(key: string, scopes: string[]) {
  const provider = new MemoryOAuthClient();
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: workerFetch });
  await expect(new Client({ name: "oauth-tests", version: "1.0.0" }).connect(transport)).rejects.toThrow(
    UnauthorizedError,
  );
  expect(provider.clientInformation()?.client_id, "registered by RFC 7591 DCR").toBeTruthy();
  const { code, location } = await consentWith(provider.authorizationUrl!, key, scopes);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URL);
  expect(location.searchParams.get("iss"), "RFC 9207").toBe(ORIGIN);
  await transport.finishAuth(code);
  return provider;
}

const rawMcp = (authorization: string) =>
  SELF.fetch(MCP_URL, {
    method: "POST",
    headers: { authorization, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });

describe("OAuth 2.1 for MCP: the SDK's client end to end", () => {
  it("discovers, registers, authorizes with a pasted key, gets tokens, lists and calls tools, and refreshes", async () => {
    const key = await createKey(["tasks:read", "tasks:write", "reminders:read"], "oauth flow");
    const provider = await authorize(key.key, ["tasks:read", "tasks:write"]);
    // The authorization request carried PKCE S256 and the resource (RFC 8707), as MCP requires.
    expect(provider.authorizationUrl!.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider.authorizationUrl!.searchParams.get("resource")).toBe(MCP_URL);
    const tokens = provider.tokens()!;
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(" ").sort()).toEqual(["tasks:read", "tasks:write"]);

    const { client } = await connect(provider);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("create_task");
    const created = await callToolOk(client, "create_task", { title: "made over OAuth" });
    expect(created.title).toBe("made over OAuth");
    expect((await call("GET", `/tasks/${created.id}`)).body.title).toBe("made over OAuth");
    // The grant acts as the key with the scopes the person ticked: reminders:read was not ticked.
    const refused = await callTool(client, "list_reminders", {});
    expect(refused.isError).toBe(true);
    expect(problemOf(refused).status).toBe(403);
    expect(problemOf(refused).detail).toContain("'reminders:read'");

    // Refresh (the SDK's auth() with a stored refresh token): a new access token that works; the old
    // refresh token is rotated out.
    expect(await auth(provider, { serverUrl: MCP_URL, fetchFn: workerFetch })).toBe("AUTHORIZED");
    const refreshed = provider.tokens()!;
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = await connect(provider);
    expect((await callToolOk(again.client, "get_task", { id: created.id })).id).toBe(created.id);
    expect((await rawMcp(`Bearer ${refreshed.access_token}`)).status).toBe(200);
  });

  it("refuses a revoked key's grant: its access token answers 401 and its refresh token is refused", async () => {
    const key = await createKey(["tasks:read"], "oauth revoked");
    const provider = await authorize(key.key, ["tasks:read"]);
    const { access_token, refresh_token } = provider.tokens()!;
    const clientId = provider.clientInformation()!.client_id;
    expect((await rawMcp(`Bearer ${access_token}`)).status).toBe(200);

    expect((await call("DELETE", `/api-keys/${key.id}`)).status).toBe(204);
    const res = await rawMcp(`Bearer ${access_token}`);
    expect(res.status).toBe(401);
    // RFC 6750 §3.1: a token that is no longer valid is `invalid_token`.
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    // RFC 6749 §5.2: a revoked refresh token is `invalid_grant`, a 400.
    const refresh = await SELF.fetch(`${ORIGIN}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh_token!, client_id: clientId }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe("invalid_grant");
    // The SDK then drops its tokens and starts over with the person (a new authorization).
    expect(await auth(provider, { serverUrl: MCP_URL, fetchFn: workerFetch })).toBe("REDIRECT");
    expect(provider.tokens()).toBeUndefined();
    // And the revoked key cannot start a new grant.
    const fresh = new MemoryOAuthClient();
    const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: fresh, fetch: workerFetch });
    await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(UnauthorizedError);
    const answer = await submitConsent(await openConsent(fresh.authorizationUrl!), {
      key: key.key,
      scopes: ["tasks:read"],
    });
    expect(answer.status).toBe(422);
    expect(await answer.text()).toContain("not a live API key");
  });

  it("grants with the admin token, and the token is good for /mcp only, not REST", async () => {
    const provider = await authorize("test-admin-token-not-a-secret", ["tasks:read", "admin"]);
    const { access_token } = provider.tokens()!;
    expect((await rawMcp(`Bearer ${access_token}`)).status).toBe(200);
    expectProblem(await call("GET", "/tasks", undefined, { authorization: `Bearer ${access_token}` }), 401);
  });

  it("keeps the grant within the key's scopes: ticking one the key lacks shows the page again", async () => {
    const key = await createKey(["tasks:read"], "oauth narrow");
    const provider = new MemoryOAuthClient();
    const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
      authProvider: provider,
      fetch: workerFetch,
    });
    await expect(new Client({ name: "t", version: "1" }).connect(transport)).rejects.toThrow(UnauthorizedError);
    const consent = await openConsent(provider.authorizationUrl!);
    expect(consent.page.status).toBe(200);
    expectPageProtection(consent.page, "the consent page");
    expect(consent.html).toContain("127.0.0.1"); // the redirect's host, as the MCP spec requires
    const wrong = await submitConsent(consent, { key: key.key, scopes: ["tasks:read", "tasks:write"] });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("lacks tasks:write");
    // The same page (same handle) then goes through with what the key holds.
    const right = await submitConsent(consent, { key: key.key, scopes: ["tasks:read"] });
    expect(right.status).toBe(302);
    const denied = await submitConsent(await openConsent(provider.authorizationUrl!), { decision: "deny" });
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
  });

  it("keeps bearer API keys working on /mcp unchanged", async () => {
    const key = await createKey(["tasks:read"], "oauth bearer still");
    expect((await rawMcp(key.bearer)).status).toBe(200);
  });
});

describe("OAuth discovery documents", () => {
  it("serves RFC 9728 protected-resource metadata naming /mcp and this authorization server", async () => {
    for (const path of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
      const res = await SELF.fetch(`${ORIGIN}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      const doc = (await res.json()) as any;
      // RFC 9728 §2: `resource` REQUIRED; authorization_servers OPTIONAL but what MCP clients follow.
      expect(doc.resource).toBe(MCP_URL);
      expect(doc.authorization_servers).toEqual([ORIGIN]);
      expect(doc.bearer_methods_supported).toEqual(["header"]);
      expect(doc.scopes_supported).toContain("tasks:read");
      expectPageProtection(res, path);
    }
  });

  it("serves RFC 8414 authorization-server metadata with PKCE S256, registration and refresh", async () => {
    const res = await SELF.fetch(`${ORIGIN}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    expectPageProtection(res, "authorization-server metadata");
    const doc = (await res.json()) as any;
    // RFC 8414 §2: issuer, authorization_endpoint, token_endpoint, response_types_supported REQUIRED.
    expect(doc.issuer).toBe(ORIGIN);
    expect(doc.authorization_endpoint).toBe(`${ORIGIN}/authorize`);
    expect(doc.token_endpoint).toBe(`${ORIGIN}/token`);
    expect(doc.response_types_supported).toContain("code");
    // RFC 7591 registration; MCP: PKCE with S256.
    expect(doc.registration_endpoint).toBe(`${ORIGIN}/register`);
    expect(doc.code_challenge_methods_supported).toContain("S256");
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["tasks:read", "tasks:write", "admin"]));
  });

  it("refuses a registration over 16 KiB with a 413 before the library reads it", async () => {
    const res = await SELF.fetch(`${ORIGIN}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URL], client_name: "x".repeat(20_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers any other /.well-known path with a 404 problem, never a 401", async () => {
    for (const path of ["/.well-known/openid-configuration", "/.well-known/security.txt", "/.well-known/"]) {
      const res = await call("GET", path, undefined, { authorization: "" });
      expectProblem(res, 404);
    }
  });

  it("answers a 401 on /mcp naming the protected-resource metadata (RFC 9728 §5.1)", async () => {
    for (const authorization of ["", "Token abc", "Bearer nope:nope:nope", "Bearer hunter2"]) {
      for (const method of ["POST", "GET", "DELETE"]) {
        const res = await SELF.fetch(MCP_URL, {
          method,
          headers: { ...(authorization ? { authorization } : {}), accept: "application/json, text/event-stream" },
          ...(method === "POST" ? { body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) } : {}),
        });
        expect(res.status, `${method} with ${authorization || "nothing"}`).toBe(401);
        await res.body?.cancel();
        const challenge = res.headers.get("www-authenticate") ?? "";
        // RFC 9728 §3.1: the well-known suffix goes before the resource's path (/mcp).
        const url = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
        expect(url, challenge).toBe(`${ORIGIN}/.well-known/oauth-protected-resource/mcp`);
        // RFC 6750 §3 (MCP 2025-11-25: SHOULD): the scopes to ask for, what the tools use, never admin.
        const scope = /scope="([^"]+)"/.exec(challenge)?.[1]?.split(" ");
        expect(scope).toEqual(expect.arrayContaining(["tasks:read", "tasks:write"]));
        expect(scope).not.toContain("admin");
        // The document it names is there, public, and describes this resource.
        expect(((await (await SELF.fetch(url!)).json()) as any).resource).toBe(MCP_URL);
      }
    }
    // REST's 401 is unchanged, and an origin without OAuth (plain http, not loopback) names none.
    const rest = await SELF.fetch(`${ORIGIN}/tasks`);
    expect(rest.headers.get("www-authenticate")).toBe('Bearer realm="openclaw-sync"');
    const plain = await call("POST", "/mcp", {}, { authorization: "" });
    expect(plain.headers.get("www-authenticate")).toBe('Bearer realm="openclaw-sync"');
  });
});
