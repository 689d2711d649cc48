import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { wholeApi } from "../../worker/app";
import { isPublicPath, PUBLIC_PATHS } from "../../worker/middleware/auth";
import { OAUTH_PATHS } from "../../worker/oauth/paths";
import { call, createKey, expectProblem } from "../helpers";

const app = await wholeApi();

type Probe = { method: string; path: string; scopes: string[] };

/**
 * The scope each route needs, written here by hand from the product's rules (README, Auth: reading a
 * resource needs its `:read` scope, changing it its `:write` scope, keys are `admin`'s, webhooks need `webhooks:read`/`webhooks:write`; the change
 * log, room tokens and MCP read both resources; any credential may ask GET /me who it is), not read back from the routes. A route the app
 * serves that is missing here fails, and so does one whose declared or enforced scope differs:
 * downgrading `DELETE /tasks/:id` to `tasks:read` turns this suite red.
 */
const EXPECTED: Record<string, string[]> = {
  "POST /tasks": ["tasks:write"],
  "GET /labels": ["tasks:read"],
  "POST /projects": ["tasks:write"],
  "GET /projects": ["tasks:read"],
  "GET /projects/:id": ["tasks:read"],
  "PATCH /projects/:id": ["tasks:write"],
  "DELETE /projects/:id": ["tasks:write"],
  "POST /people": ["tasks:write"],
  "GET /people": ["tasks:read"],
  "GET /people/:id": ["tasks:read"],
  "PATCH /people/:id": ["tasks:write"],
  "DELETE /people/:id": ["tasks:write"],
  // A feed shows only what the key may already read; its file (/calendar/<token>.ics) is opened by its address alone.
  "POST /calendar-feeds": ["tasks:read"],
  "GET /calendar-feeds": ["tasks:read"],
  "DELETE /calendar-feeds/:id": ["tasks:read"],
  // A reminder the text asks for also needs reminders:write, checked by the service (quick.test.ts).
  "POST /tasks/quick": ["tasks:write"],
  "GET /tasks": ["tasks:read"],
  "GET /tasks/:id": ["tasks:read"],
  "PATCH /tasks/:id": ["tasks:write"],
  "DELETE /tasks/:id": ["tasks:write"],
  "GET /tasks/:id/completions": ["tasks:read"],
  "POST /tasks/:id/attachments": ["tasks:write"],
  "GET /tasks/:id/attachments": ["tasks:read"],
  "GET /attachments/:id": ["tasks:read"],
  "DELETE /attachments/:id": ["tasks:write"],
  "POST /reminders": ["reminders:write"],
  "GET /reminders": ["reminders:read"],
  "GET /reminders/:id": ["reminders:read"],
  "PATCH /reminders/:id": ["reminders:write"],
  "DELETE /reminders/:id": ["reminders:write"],
  "POST /reminders/:id/snooze": ["reminders:write"],
  "POST /api-keys": ["admin"],
  "GET /api-keys": ["admin"],
  "DELETE /api-keys/:id": ["admin"],
  "GET /me": [],
  "GET /changes": ["tasks:read", "reminders:read"],
  "POST /realtime/token": ["tasks:read", "reminders:read"],
  "GET /agenda": ["tasks:read"],
  "POST /webhooks": ["webhooks:write"],
  "GET /webhooks": ["webhooks:read"],
  "GET /webhooks/:id": ["webhooks:read"],
  "PATCH /webhooks/:id": ["webhooks:write"],
  "DELETE /webhooks/:id": ["webhooks:write"],
  "POST /webhooks/:id/rotate-secret": ["webhooks:write"],
  "POST /webhooks/:id/ping": ["webhooks:write"],
  "GET /webhooks/:id/deliveries": ["webhooks:read"],
  "POST /webhooks/:id/deliveries/:delivery_id/retry": ["webhooks:write"],
  "POST /mcp": ["tasks:read"],
  "GET /mcp": ["tasks:read"],
  "DELETE /mcp": ["tasks:read"],
};

/**
 * Every endpoint the app serves, straight from its router, with the scope EXPECTED gives it; its
 * OpenAPI operation must declare the same.
 */
async function enumerateRoutes(): Promise<Probe[]> {
  const doc = (await call("GET", "/openapi.json", undefined, { authorization: "" })).body;
  const seen = new Set<string>();
  const probes: Probe[] = [];
  for (const route of app.routes) {
    if (route.method === "ALL" || isPublicPath(route.path)) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const scopes = EXPECTED[key];
    if (!scopes) throw new Error(`${key} is served but has no row in this test's EXPECTED table`);
    const openapiPath = route.path.replace(/:(\w+)/g, "{$1}");
    const operation = doc.paths?.[openapiPath]?.[route.method.toLowerCase()];
    expect(operation?.security?.[0]?.bearer ?? [], `${key}'s declared scopes`).toEqual(scopes);
    const path = route.path.replace(/:\w+/g, crypto.randomUUID());
    // Each route under its canonical /v1 path and its unversioned alias (worker/http/versioning.ts).
    probes.push({ method: route.method, path, scopes }, { method: route.method, path: `/v1${path}`, scopes });
  }
  expect([...seen].sort(), "routes in EXPECTED that the app does not serve").toEqual(Object.keys(EXPECTED).sort());
  return probes;
}

const ALL_SCOPES = ["tasks:read", "tasks:write", "reminders:read", "reminders:write", "admin"];

describe("auth on every route", () => {
  let probes: Probe[];
  const keys: Record<string, string> = {};
  let revoked: string;

  beforeAll(async () => {
    probes = await enumerateRoutes();
    for (const scope of ALL_SCOPES) keys[scope] = (await createKey([scope], `matrix ${scope}`)).bearer;
    const doomed = await createKey(ALL_SCOPES, "matrix revoked");
    await call("DELETE", `/api-keys/${doomed.id}`);
    revoked = doomed.bearer;
  });

  it("finds the routes", () => {
    expect(probes.length).toBeGreaterThanOrEqual(13);
    expect(probes.map((p) => `${p.method} ${p.path.split("/")[1]}`)).toContain("POST tasks");
  });

  const refusals: [string, () => string, string | null][] = [
    ["no header", () => "", null],
    ["a malformed header", () => "Token abc", "invalid_request"],
    ["a Bearer with nothing after it", () => "Bearer ", "invalid_request"],
    ["an unknown key", () => `Bearer ocs_${"A".repeat(43)}`, "invalid_token"],
    ["a non-key token", () => "Bearer hunter2", "invalid_token"],
    ["a revoked key", () => revoked, "invalid_token"],
  ];
  for (const [what, header, error] of refusals) {
    it(`answers 401 with WWW-Authenticate to ${what}, on every route`, async () => {
      for (const probe of probes) {
        const res = await call(probe.method, probe.path, probe.method === "GET" ? undefined : {}, {
          authorization: header(),
        });
        expectProblem(res, 401);
        const challenge = res.headers.get("www-authenticate") ?? "";
        expect(challenge, `${probe.method} ${probe.path}`).toMatch(/^Bearer realm="openclaw-sync"/);
        if (error) expect(challenge).toContain(`error="${error}"`);
      }
    });
  }

  it("answers 403 naming a missing scope to a key that lacks one, and lets the right key through", async () => {
    const exact = new Map<string, string>();
    for (const probe of probes) {
      const body = probe.method === "GET" || probe.method === "DELETE" ? undefined : {};
      for (const scope of ALL_SCOPES) {
        const res = await call(probe.method, probe.path, body, { authorization: keys[scope]! });
        const label = `${probe.method} ${probe.path} with ${scope}`;
        const needsNone = probe.scopes.length === 0;
        if (needsNone || scope === "admin" || (probe.scopes.length === 1 && probe.scopes[0] === scope)) {
          expect([401, 403], label).not.toContain(res.status);
        } else {
          expect(res.status, label).toBe(403);
          const missing = probe.scopes.filter((s) => s !== scope);
          expect(
            missing.some((s) => res.body.detail.includes(`'${s}'`)),
            `${label}: ${res.body.detail}`,
          ).toBe(true);
        }
      }
      // A key with exactly the declared scopes, and nothing more, gets through.
      if (probe.scopes.length === 0) continue;
      const id = probe.scopes.join(",");
      if (!exact.has(id)) exact.set(id, (await createKey(probe.scopes, `matrix exact ${id}`)).bearer);
      const res = await call(probe.method, probe.path, body, { authorization: exact.get(id)! });
      expect([401, 403], `${probe.method} ${probe.path} with ${id}`).not.toContain(res.status);
    }
  });

  it("leaves /health, /openapi.json and /docs open", async () => {
    for (const path of ["/health", "/openapi.json", "/docs"]) {
      expect((await call("GET", path, undefined, { authorization: "" })).status, path).toBe(200);
    }
  });

  it("lets the chat webhooks in without an API key, each behind its provider's own proof", async () => {
    const none = { authorization: "" };
    // Telegram's secret token (core.telegram.org/bots/api#setwebhook) and Meta's signature and
    // verify token (developers.facebook.com/docs/graph-api/webhooks/getting-started).
    expect((await call("POST", "/integrations/telegram/webhook", { update_id: 1 }, none)).status).toBe(401);
    expect((await call("POST", "/integrations/whatsapp/webhook", { object: "x" }, none)).status).toBe(401);
    expect((await call("GET", "/integrations/whatsapp/webhook?hub.mode=subscribe", undefined, none)).status).toBe(403);
    // An API key is no substitute for the provider's proof.
    expect((await call("POST", "/integrations/telegram/webhook", { update_id: 1 })).status).toBe(401);
    expect(PUBLIC_PATHS.size).toBe(5);
  });
});

/**
 * OAuth's routes (issue #18), served beside the app (worker/index.ts), are public by design: an MCP
 * client reaches them before it has any credential. Each row is the status a request without one
 * gets, from the specs, not from the code: the metadata documents are 200 (RFC 8414 §3, RFC 9728 §3;
 * MCP authorization: the protected-resource metadata must not need a token); registration with no
 * redirect URI is 400 (RFC 7591 §3.2.2); the token endpoint, asked by no client, answers OAuth's
 * own `invalid_client`, a 401 about the client's authentication that RFC 6749 §5.2 allows (no bearer
 * challenge: it never asked for a token); an authorization request naming no client is 400, rendered here and never redirected (RFC 6749
 * §4.1.2.1), and so is a consent form without its page's handle.
 */
const OAUTH_EXPECTED: Record<string, { access: "public"; status: number; error?: string }> = {
  "GET /.well-known/oauth-protected-resource": { access: "public", status: 200 },
  "GET /.well-known/oauth-protected-resource/mcp": { access: "public", status: 200 },
  "GET /.well-known/oauth-authorization-server": { access: "public", status: 200 },
  "POST /register": { access: "public", status: 400, error: "invalid_client_metadata" },
  "POST /token": { access: "public", status: 401, error: "invalid_client" },
  "GET /authorize": { access: "public", status: 400 },
  "POST /authorize": { access: "public", status: 400 },
};

describe("OAuth's public routes", () => {
  it("has a row for every path OAuth serves, and nothing more", () => {
    const paths = new Set(Object.keys(OAUTH_EXPECTED).map((key) => key.split(" ")[1]));
    expect([...paths].sort()).toEqual([...OAUTH_PATHS].sort());
  });

  it("answers each without a credential, never with a 401", async () => {
    for (const [key, { status, error }] of Object.entries(OAUTH_EXPECTED)) {
      const [method, path] = key.split(" ") as [string, string];
      const form = path === "/token" || path === "/authorize";
      const res = await SELF.fetch(`http://localhost${path}`, {
        method,
        redirect: "manual",
        ...(method === "POST"
          ? form
            ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" }
            : { headers: { "content-type": "application/json" }, body: "{}" }
          : {}),
      });
      const text = await res.text();
      expect(res.status, key).toBe(status);
      expect(res.headers.get("www-authenticate"), key).toBeNull();
      if (error) expect(JSON.parse(text).error, key).toBe(error);
    }
  });
});
