import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

/**
 * The README's "Services' signatures": a service takes the `Store` first and one input object
 * second, never a positional list (`updateTask(store, id, changes, settings, expectedVersion)` was
 * how issue #12 found them). Read from the source, so a service added later keeps to it.
 */
const SERVICES = resolve(import.meta.dirname, "../../worker/services");

/** The parameter list after `(`, split at its top-level commas. */
function parameters(text: string, open: number): string[] {
  const params: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (depth === 0 && ch === ")") break;
    if ("([{<".includes(ch)) depth++;
    if (")]}>".includes(ch) && text[i - 1] !== "=") depth--;
    if (depth === 0 && ch === ",") {
      params.push(current);
      current = "";
    } else current += ch;
  }
  return [...params, current].map((p) => p.trim()).filter(Boolean);
}

it("gives every service over the store one input object after it", () => {
  const offenders: string[] = [];
  let services = 0;
  for (const name of readdirSync(SERVICES).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
    const text = readFileSync(join(SERVICES, name), "utf8");
    for (const match of text.matchAll(/export (?:async )?function (\w+)(?:<[^(]*>)?\(/g)) {
      const params = parameters(text, match.index + match[0].length - 1);
      if (!/^store: Store\b/.test(params[0] ?? "")) continue;
      services++;
      if (params.length > 2) offenders.push(`${name}: ${match[1]}(${params.join(", ")})`);
    }
  }
  expect(services).toBeGreaterThan(40);
  expect(offenders).toEqual([]);
});
