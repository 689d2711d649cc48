import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { PUBLIC_PATHS } from "../../worker/middleware/auth";
import { call, createKey, expectProblem } from "../helpers";

type Probe = { method: string; path: string; scope: string };

/**
 * Every endpoint the app serves, straight from its router, with the scope its OpenAPI operation
 * declares. A route added without a declared scope fails here, before any request is made.
 */
async function enumerateRoutes(): Promise<Probe[]> {
  const doc = (await call("GET", "/openapi.json", undefined, { authorization: "" })).body;
  const seen = new Set<string>();
  const probes: Probe[] = [];
  for (const route of app.routes) {
    if (route.method === "ALL" || PUBLIC_PATHS.has(route.path)) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const openapiPath = route.path.replace(/:(\w+)/g, "{$1}");
    const operation = doc.paths?.[openapiPath]?.[route.method.toLowerCase()];
    const scope = operation?.security?.[0]?.bearer?.[0];
    if (!scope) throw new Error(`${key} declares no scope in the OpenAPI document (use scoped(...) in its route)`);
    probes.push({ method: route.method, path: route.path.replace(/:\w+/g, crypto.randomUUID()), scope });
  }
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

  it("answers 403 naming the scope to a key that lacks it, and lets the right key through", async () => {
    for (const probe of probes) {
      const body = probe.method === "GET" || probe.method === "DELETE" ? undefined : {};
      for (const scope of ALL_SCOPES) {
        const res = await call(probe.method, probe.path, body, { authorization: keys[scope]! });
        const label = `${probe.method} ${probe.path} with ${scope}`;
        if (scope === probe.scope || scope === "admin") {
          expect([401, 403], label).not.toContain(res.status);
        } else {
          expect(res.status, label).toBe(403);
          expect(res.body.detail, label).toContain(`'${probe.scope}'`);
        }
      }
    }
  });

  it("leaves /health, /openapi.json and /docs open", async () => {
    for (const path of PUBLIC_PATHS) {
      expect((await call("GET", path, undefined, { authorization: "" })).status, path).toBe(200);
    }
  });
});
