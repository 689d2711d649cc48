import { expect } from "vitest";

/**
 * What every page of the origin must carry (issue 13): a strict CSP (scripts from this origin only,
 * so no inline script or eval; never framed), nosniff, and a referrer policy. Shared by the
 * Worker's tests (test/security/headers.test.ts) and the static files' (test/e2e/headers.test.ts).
 */
export function expectPageProtection(res: { headers: Headers }, what: string) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
  expect(directives.get("frame-ancestors"), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(directives.get("script-src"), `${what}: script-src`).toEqual(["'self'"]);
  expect(directives.get("default-src"), `${what}: default-src`).toEqual(["'none'"]);
  expect(res.headers.get("x-content-type-options"), `${what}: nosniff`).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), `${what}: referrer policy`).toBe("no-referrer");
}
