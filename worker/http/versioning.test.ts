import { describe, expect, it } from "vitest";
import { call } from "../../test/helpers";

describe("/v1", () => {
  it("is the canonical prefix: /v1/tasks and /tasks are the same resource, and every answer says API-Version: 1", async () => {
    const created = await call("POST", "/v1/tasks", { title: `Versioned ${crypto.randomUUID()}` });
    expect(created.status).toBe(201);
    expect(created.headers.get("api-version")).toBe("1");
    // A resource created under /v1 is named under /v1.
    expect(created.headers.get("location")).toBe(`/v1/tasks/${created.body.id}`);
    const [versioned, alias] = await Promise.all([
      call("GET", `/v1/tasks/${created.body.id}`),
      call("GET", `/tasks/${created.body.id}`),
    ]);
    expect(versioned.status).toBe(200);
    expect(versioned.body).toEqual(alias.body);
    expect(versioned.headers.get("etag")).toBe(alias.headers.get("etag"));
    expect(alias.headers.get("api-version")).toBe("1");
    // The alias keeps its own unversioned Location, as the seed's examples expect.
    expect((await call("POST", "/tasks", { title: "Unversioned" })).headers.get("location")).toMatch(/^\/tasks\//);
  });

  it("serves the public routes and errors under /v1 too, each with API-Version", async () => {
    for (const path of ["/v1/health", "/v1/openapi.json", "/v1/docs"]) {
      const res = await call("GET", path, undefined, { authorization: "" });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("api-version")).toBe("1");
    }
    const missing = await call("GET", "/v1/no-such-route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("api-version")).toBe("1");
    expect((await call("GET", "/v1/tasks", undefined, { authorization: "" })).status).toBe(401);
    // Only /v1 exists: /v2 is not a silent alias of it.
    expect((await call("GET", "/v2/tasks")).status).toBe(404);
  });

  it("names /v1 first in the OpenAPI document's servers", async () => {
    const doc = (await call("GET", "/openapi.json", undefined, { authorization: "" })).body;
    expect(doc.servers[0].url).toMatch(/\/v1$/);
    expect(doc.servers[1].url).not.toMatch(/\/v1$/);
  });
});
