import { describe, expect, it } from "vitest";
import { api, call, createKey, database, expectProblem } from "../../../test/helpers";

const sql = database();

describe("API keys", () => {
  it("shows the secret once and stores only its SHA-256", async () => {
    const res = await api()["api-keys"].$post({
      json: { name: "telegram-bot", scopes: ["tasks:write", "reminders:write"] },
    });
    expect(res.status).toBe(201);
    if (res.status !== 201) return;
    const created = await res.json();
    // Only an idempotent replay withholds the secret.
    if (created.key === null) throw new Error("a first response carries the secret");
    expect(created.key).toMatch(/^ocs_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      name: "telegram-bot",
      scopes: ["tasks:write", "reminders:write"],
      revoked_at: null,
    });
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created).not.toHaveProperty("hash");

    const [row] = await sql`select hash from api_keys where id = ${created.id}`;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(created.key));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(row!.hash).toBe(hex);

    const list = await api()["api-keys"].$get();
    if (list.status !== 200) throw new Error(`list failed: ${list.status}`);
    const listed = (await list.json()).items.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ name: "telegram-bot" });
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("hash");
  });

  it("authenticates with the key, records last use, and refuses it once revoked", async () => {
    const { id, key } = await createKey(["tasks:read"]);
    expect((await api(key).tasks.$get({ query: { limit: "1" } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const [row] = await sql`select last_used_at from api_keys where id = ${id}`;
    expect(row!.last_used_at).toBeInstanceOf(Date);

    expect((await api()["api-keys"][":id"].$delete({ param: { id } })).status).toBe(204);
    const refused = await api(key).tasks.$get({ query: { limit: "1" } });
    expect(refused.status).toBe(401);
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
