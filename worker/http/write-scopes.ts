import type { OpenAPIHono } from "@hono/zod-openapi";

type Definitions = OpenAPIHono["openAPIRegistry"]["definitions"];

/**
 * Checked when the app is built (issue #13): an operation that can change data must need a
 * `:write` scope or `admin`. A slip such as `scoped("tasks:read")` on a DELETE fails the Worker's
 * start, and every test, instead of shipping. `readOnly` lists the non-GET operations that change
 * nothing (as "POST /path"), each with the reason it is allowed.
 */
export function assertWritesNeedWriteScopes(definitions: Definitions, readOnly: Record<string, string>) {
  const wrong: string[] = [];
  for (const definition of definitions) {
    if (definition.type !== "route") continue;
    const { method, path, security } = definition.route;
    const name = `${method.toUpperCase()} ${path}`;
    if (method === "get" || method === "head" || method === "options" || name in readOnly) continue;
    // `security: []` is a public operation; those are listed in the auth middleware, not here.
    if (!security?.length) continue;
    const scopes = security.flatMap((requirement) => Object.values(requirement).flat());
    if (!scopes.some((scope) => scope === "admin" || scope.endsWith(":write")))
      wrong.push(`${name} (${scopes.join(", ")})`);
  }
  if (wrong.length) {
    throw new Error(`Operations that change data need a :write or admin scope: ${wrong.join("; ")}.`);
  }
}
