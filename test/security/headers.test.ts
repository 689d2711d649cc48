import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectProblem } from "../helpers";

describe("CORS, secure headers and request ids", () => {
  it("answers a preflight from an allowed origin, without credentials", async () => {
    const res = await SELF.fetch(`${BASE}/tasks`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:8787",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, idempotency-key",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:8787");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("access-control-allow-headers")).toContain("idempotency-key");
  });

  it("does not allow other origins", async () => {
    const res = await SELF.fetch(`${BASE}/health`, { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends secure headers and echoes a safe X-Request-Id into the error body", async () => {
    const res = await call("GET", "/tasks/nope", undefined, { "x-request-id": "agent-42.retry:1" });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-request-id")).toBe("agent-42.retry:1");
    expect(expectProblem(res, 404)).toMatchObject({ request_id: "agent-42.retry:1" });
  });

  it("replaces an unsafe X-Request-Id with its own", async () => {
    const res = await call("GET", "/health", undefined, { "x-request-id": "bad id with spaces <script>" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
