import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { wholeApi } from "../app";
import { assertWritesNeedWriteScopes } from "./write-scopes";

const app = await wholeApi();

function appWith(method: "get" | "post" | "delete", scopes: string[], path = "/things/{id}") {
  const sub = new OpenAPIHono();
  sub.openapi(
    createRoute({ method, path, security: [{ bearer: scopes }], responses: { 204: { description: "done" } } }),
    (c) => c.body(null, 204),
  );
  return new OpenAPIHono().route("/api", sub);
}

describe("write scopes at startup", () => {
  it("refuses an operation that changes data behind a read scope", () => {
    expect(() =>
      assertWritesNeedWriteScopes(appWith("delete", ["tasks:read"]).openAPIRegistry.definitions, {}),
    ).toThrow(/DELETE \/api\/things\/\{id\} \(tasks:read\)/);
    expect(() =>
      assertWritesNeedWriteScopes(appWith("post", ["tasks:read", "reminders:read"]).openAPIRegistry.definitions, {}),
    ).toThrow(/need a :write or admin scope/);
  });

  it("accepts write and admin scopes, reads, and the listed exceptions", () => {
    for (const scopes of [["tasks:write"], ["admin"], ["tasks:read", "reminders:write"]])
      expect(() => assertWritesNeedWriteScopes(appWith("post", scopes).openAPIRegistry.definitions, {})).not.toThrow();
    expect(() =>
      assertWritesNeedWriteScopes(appWith("get", ["tasks:read"]).openAPIRegistry.definitions, {}),
    ).not.toThrow();
    expect(() =>
      assertWritesNeedWriteScopes(appWith("post", ["tasks:read"]).openAPIRegistry.definitions, {
        "POST /api/things/{id}": "reads only",
      }),
    ).not.toThrow();
  });

  it("sees the app's mounted paths, so its exceptions name real operations", () => {
    const names = app.openAPIRegistry.definitions.flatMap((d) =>
      d.type === "route" ? [`${d.route.method.toUpperCase()} ${d.route.path}`] : [],
    );
    expect(names).toEqual(
      expect.arrayContaining(["POST /realtime/token", "POST /mcp", "DELETE /mcp", "DELETE /tasks/{id}"]),
    );
  });
});
