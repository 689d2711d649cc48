import { describe, expect, it } from "vitest";
import { call, createKey, database, expectProblem } from "../../../test/helpers";

const sql = database();

describe("API keys", () => {
  it("shows the secret once and stores only its SHA-256", async () => {
    const res = await call("POST", "/api-keys", { name: "telegram-bot", scopes: ["tasks:write", "reminders:write"] });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^ocs_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      name: "telegram-bot",
      scopes: ["tasks:write", "reminders:write"],
      revoked_at: null,
    });
    expect(res.body.prefix).toBe(res.body.key.slice(0, 12));
    expect(res.body).not.toHaveProperty("hash");

    const [row] = await sql`select hash from api_keys where id = ${res.body.id}`;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(res.body.key));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(row!.hash).toBe(hex);

    const list = await call("GET", "/api-keys");
    const listed = list.body.items.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({ name: "telegram-bot" });
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("hash");
  });

  it("authenticates with the key, records last use, and refuses it once revoked", async () => {
    const { id, bearer } = await createKey(["tasks:read"]);
    expect((await call("GET", "/tasks?limit=1", undefined, { authorization: bearer })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const [row] = await sql`select last_used_at from api_keys where id = ${id}`;
    expect(row!.last_used_at).toBeInstanceOf(Date);

    expect((await call("DELETE", `/api-keys/${id}`)).status).toBe(204);
    const refused = await call("GET", "/tasks?limit=1", undefined, { authorization: bearer });
    expectProblem(refused, 401);
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const [revoked] = await sql`select revoked_at from api_keys where id = ${id}`;
    expect(revoked!.revoked_at).toBeInstanceOf(Date);
  });

  it("refuses unknown scopes, empty scopes and unknown fields", async () => {
    for (const body of [
      { name: "x", scopes: ["tasks:delete"] },
      { name: "x", scopes: [] },
      { name: "x", scopes: ["admin"], owner: "me" },
      { name: "", scopes: ["admin"] },
    ]) {
      expectProblem(await call("POST", "/api-keys", body), 422);
    }
  });

  it("is for admins only", async () => {
    const { bearer } = await createKey(["tasks:read", "tasks:write", "reminders:read", "reminders:write"]);
    const problem = expectProblem(await call("GET", "/api-keys", undefined, { authorization: bearer }), 403);
    expect(problem.detail).toContain("'admin'");
    const admin = await createKey(["admin"]);
    expect((await call("GET", "/api-keys", undefined, { authorization: admin.bearer })).status).toBe(200);
  });

  it("404s revoking a key that does not exist", async () => {
    expectProblem(await call("DELETE", `/api-keys/${crypto.randomUUID()}`), 404);
  });
});
