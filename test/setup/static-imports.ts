import type { Plugin } from "vite";

/**
 * The Worker imports most of itself on first use (`import()`, issue #21). Bundled, as deployed and
 * under `wrangler dev`, esbuild turns each `import()` into plain JavaScript that evaluates the
 * module on its first call. Under the vitest plugin an `import()` is instead a fetch from Vite's
 * module runner, which shares one in-flight fetch between requests that import the same module at
 * once, and workerd refuses that ("Cannot perform I/O on behalf of a different request"): concurrent
 * first requests hang. So, in the workers test projects only, each `import("x")` in the Worker's own
 * code becomes a static import resolved at once, as the bundle's is, evaluated when the isolate
 * starts rather than on first use. What a deployed isolate evaluates at start is checked on the real
 * bundle by test/node/startup-closure.test.ts.
 */
export function staticImports(): Plugin {
  return {
    name: "openclaw-sync:static-imports",
    enforce: "pre",
    transform(code, id) {
      if (!/\/(worker|party)\/.*\.ts$/.test(id) || id.endsWith(".test.ts") || !code.includes("import(")) return null;
      const hoisted: string[] = [];
      const replaced = code.replace(/\bimport\(\s*(["'])([^"'\s]+)\1\s*\)/g, (_, quote: string, specifier: string) => {
        const name = `__imported${hoisted.length}`;
        hoisted.push(`import * as ${name} from ${quote}${specifier}${quote};`);
        return `Promise.resolve(${name})`;
      });
      return hoisted.length ? { code: `${hoisted.join("\n")}\n${replaced}`, map: null } : null;
    },
  };
}
