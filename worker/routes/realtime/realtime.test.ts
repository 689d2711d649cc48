import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { decode } from "hono/utils/jwt/jwt";
import { describe, expect, it, vi } from "vitest";
import { call, createKey, expectProblem } from "../../../test/helpers";
import worker from "../../index";
import { verifyRoomToken } from "../../realtime/token";

const secret = () => (env as { REALTIME_SECRET?: string }).REALTIME_SECRET!;

describe("POST /realtime/token", () => {
  it("issues a short-lived token for the workspace room, and says where to connect", async () => {
    const res = await call("POST", "/realtime/token");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ room: "default", path: "/parties/main/default" });
    const ttl = (new Date(res.body.expires_at).getTime() - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Number(env.REALTIME_TOKEN_TTL_S));
    const { header, payload } = decode(res.body.token);
    expect(header.alg).toBe("HS256");
    // `sub`: the principal that asked (README: Room tokens), so revoking its key reaches the room.
    expect(payload).toMatchObject({ room: "default", aud: "openclaw-sync/room", sub: "admin-token" });
    expect(await verifyRoomToken(secret(), res.body.token, "default")).toEqual({ subject: "admin-token" });
    expect(await verifyRoomToken(secret(), res.body.token, "other")).toBeNull();
    expect(await verifyRoomToken("another-secret", res.body.token, "default")).toBeNull();
  });

  it("names the API key that asked as the token's subject", async () => {
    const { id, key } = await createKey(["tasks:read", "reminders:read"]);
    const res = await call("POST", "/realtime/token", undefined, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(decode(res.body.token).payload.sub).toBe(id);
  });

  it("answers 503 naming the variable, and logs it, when REALTIME_SECRET is not configured", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://sync.test/realtime/token", {
        method: "POST",
        headers: { authorization: `Bearer ${(env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN}` },
      }),
      { ...env, REALTIME_SECRET: undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    spy.mockRestore();
    const problem = expectProblem({ status: res.status, headers: res.headers, body: await res.json() }, 503);
    expect(problem.type).toBe("/problems/realtime-unconfigured");
    expect(problem.detail).toContain("REALTIME_SECRET");
    // The same condition the room's gateway reports for a socket.
    expect(errors.map((line) => JSON.parse(line).error).join("\n")).toContain("REALTIME_SECRET");
  });
});
