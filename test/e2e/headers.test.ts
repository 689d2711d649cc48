import { describe, expect, it } from "vitest";
import { expectPageProtection } from "../page-protection";
import { baseUrl } from "./helpers";

/** The static files come from Workers static assets, not the Worker: only `wrangler dev` serves them (with `_headers`). */
describe("the dashboard's static files under wrangler dev", () => {
  it("carry a strict CSP, nosniff and a referrer policy: /, /assets/*, and Swagger UI's files", async () => {
    for (const path of ["/", "/assets/app.js", "/assets/app.css", "/assets/docs/swagger-ui-bundle.js"]) {
      const res = await fetch(`${baseUrl()}${path}`);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
      expectPageProtection(res, path);
    }
  });

  it("serve every file /docs loads, from this origin", async () => {
    const docs = await fetch(`${baseUrl()}/docs`);
    expectPageProtection(docs, "/docs");
    const html = await docs.text();
    const loaded = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const url of loaded) {
      expect(url, "same origin").toMatch(/^\/[^/]/);
      const res = await fetch(`${baseUrl()}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type"), url).toMatch(/javascript|css/);
      await res.arrayBuffer();
    }
  });
});
