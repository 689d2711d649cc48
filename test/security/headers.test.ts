import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectProblem } from "../helpers";
import { expectPageProtection } from "../page-protection";

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
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-request-id")).toBe("agent-42.retry:1");
    expect(expectProblem(res, 404)).toMatchObject({ request_id: "agent-42.retry:1" });
  });

  it("replaces an unsafe X-Request-Id with its own", async () => {
    const res = await call("GET", "/health", undefined, { "x-request-id": "bad id with spaces <script>" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the Worker's pages are protected (the static ones: test/e2e/headers.test.ts)", () => {
  it("/docs and the API's responses carry a strict CSP, nosniff and a referrer policy", async () => {
    const docs = await SELF.fetch(`${BASE}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
    await docs.arrayBuffer();
    expectPageProtection(docs, "/docs");
    expectPageProtection(await call("GET", "/tasks?limit=1"), "GET /tasks");
    expectPageProtection(await call("GET", "/tasks/nope"), "a 404 problem");
  });

  it("/docs runs no inline script and loads nothing from another origin", async () => {
    const html = await (await SELF.fetch(`${BASE}/docs`)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body!.trim(), "an inline script").toBe("");
      expect(attributes).toMatch(/\bsrc="\/[^/]/);
    }
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/\bstyle=|<style/);
  });
});
