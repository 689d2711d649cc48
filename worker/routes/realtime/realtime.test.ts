import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { decode } from "hono/utils/jwt/jwt";
import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../../../test/helpers";
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
    expect(payload).toMatchObject({ room: "default", aud: "openclaw-sync/room" });
    expect(await verifyRoomToken(secret(), res.body.token, "default")).toBe(true);
    expect(await verifyRoomToken(secret(), res.body.token, "other")).toBe(false);
    expect(await verifyRoomToken("another-secret", res.body.token, "default")).toBe(false);
  });

  it("fails loudly, naming the variable, when REALTIME_SECRET is not configured", async () => {
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
    const problem = expectProblem({ status: res.status, headers: res.headers, body: await res.json() }, 500);
    expect(problem.detail).toContain("REALTIME_SECRET");
  });
});
