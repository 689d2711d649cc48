import { describe, expect, it } from "vitest";
import { call, createKey, expectProblem } from "../../../test/helpers";

describe("GET /me", () => {
  it("names an API key, its scopes, and that it is no admin", async () => {
    const { id, bearer } = await createKey(["tasks:read", "reminders:write"], "me: a bot");
    const res = await call("GET", "/me", undefined, { authorization: bearer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: "api_key",
      id,
      name: "me: a bot",
      scopes: ["tasks:read", "reminders:write"],
      admin: false,
    });
  });

  it("answers a key with nothing but a webhooks scope too: no scope is needed", async () => {
    const { bearer } = await createKey(["webhooks:read"], "me: hooks only");
    const res = await call("GET", "/v1/me", undefined, { authorization: bearer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: "api_key", scopes: ["webhooks:read"], admin: false });
  });

  it("says an admin-scoped key and the ADMIN_TOKEN are admins, and which is which", async () => {
    const { bearer } = await createKey(["admin"], "me: an admin key");
    expect((await call("GET", "/me", undefined, { authorization: bearer })).body).toMatchObject({
      kind: "api_key",
      admin: true,
    });
    expect((await call("GET", "/me")).body).toEqual({
      kind: "admin_token",
      id: null,
      name: "ADMIN_TOKEN",
      scopes: ["admin"],
      admin: true,
    });
  });

  it("refuses a revoked key with 401, like every route", async () => {
    const { id, bearer } = await createKey(["tasks:read"], "me: revoked");
    await call("DELETE", `/api-keys/${id}`);
    expectProblem(await call("GET", "/me", undefined, { authorization: bearer }), 401);
  });
});
