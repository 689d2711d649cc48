import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

/**
 * The Worker's layers, lowest first, as the README's Layout section draws them. A module may import
 * from its own part or from a part on a lower floor, never from one on its own floor or above.
 * Written out here, not read from the code, so moving a file across a floor has to change this test.
 */
const FLOORS: string[][] = [
  // lazy.ts: loading on first use, which every floor may need.
  ["db", "time", "lazy.ts"],
  ["party/protocol.ts"],
  ["services"],
  ["settings", "env.ts"],
  ["http"],
  ["realtime", "party/sync-room.ts"],
  ["work"],
  // Outbound webhooks: read the change log through a unit of work; the floors above start them.
  ["webhooks"],
  // OAuth's authorization server and its grants (issue #18), below the auth middleware that checks its tokens.
  ["oauth"],
  // The chat faces (issue #16): a tap or a command from Telegram or WhatsApp, applied through the
  // services; below the reminder channels that sign the buttons they send.
  ["integrations"],
  ["middleware", "reminders"],
  // Each resource's request schemas and response views: the one set that both faces use.
  ["routes/*/{schemas,view}.ts"],
  ["routes", "mcp"],
  ["app.ts"],
  ["housekeeping.ts"],
  ["cron.ts"],
  ["index.ts"],
];

const ROOT = resolve(import.meta.dirname, "../..");
const WORKER = join(ROOT, "worker");

/** The part a file belongs to: a party file by name, a worker file by its top folder (or its name at the top). */
function partOf(file: string): string | undefined {
  const fromRoot = relative(ROOT, file);
  if (fromRoot.startsWith("party/")) return fromRoot;
  if (!fromRoot.startsWith("worker/")) return undefined;
  const inWorker = relative(WORKER, file);
  if (/^routes\/[^/]+\/(schemas|view)\.ts$/.test(inWorker)) return "routes/*/{schemas,view}.ts";
  return inWorker.split("/")[0];
}

const floorOf = (part: string) => FLOORS.findIndex((floor) => floor.includes(part));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every relative module a file imports, statically or lazily, type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((s) => {
    const target = resolve(dirname(file), s);
    if (existsSync(target) && statSync(target).isDirectory()) return join(target, "index.ts");
    return target.endsWith(".ts") || target.endsWith(".json") ? target : `${target}.ts`;
  });
}

const files = [...sources(WORKER), ...sources(join(ROOT, "party"))];

it("gives every Worker and room module a floor", () => {
  const unplaced = files.map(partOf).filter((part) => part !== undefined && floorOf(part) < 0);
  expect([...new Set(unplaced)]).toEqual([]);
});

/** The imports of `file` that point up or sideways, as "file → target". */
function violations(file: string, targets: string[]): string[] {
  const from = partOf(file)!;
  return targets
    .filter((target) => {
      const to = partOf(target);
      return to !== undefined && to !== from && floorOf(to) >= floorOf(from);
    })
    .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`);
}

it("has no import pointing up or sideways across the floors", () => {
  expect(files.flatMap((file) => violations(file, importsOf(file)))).toEqual([]);
});

it("lets only app.ts import a route's sub-app (routes/*/index.ts)", () => {
  const importers = files.filter((file) =>
    importsOf(file).some((target) => /worker\/routes\/[^/]+\/index\.ts$/.test(target)),
  );
  expect(importers.map((file) => relative(ROOT, file))).toEqual(["worker/app.ts"]);
});

it("would catch the imports that once ran the wrong way", () => {
  const at = (path: string) => join(WORKER, path);
  expect(violations(at("services/reminders.ts"), [at("reminders/recipients.ts")])).toHaveLength(1);
  expect(violations(at("mcp/tools/tasks.ts"), [at("routes/tasks/index.ts")])).toHaveLength(1);
  expect(violations(at("routes/mcp/index.ts"), [at("mcp/server.ts")])).toHaveLength(1);
  expect(violations(at("mcp/tools/tasks.ts"), [at("routes/tasks/view.ts")])).toHaveLength(0);
});

it("keeps scripts/ below bench/ (the README's Layout: bench/ uses scripts/lib, never the reverse)", () => {
  const scriptFiles = sources(join(ROOT, "scripts"));
  const upward = scriptFiles.flatMap((file) =>
    importsOf(file)
      .filter((target) => relative(ROOT, target).startsWith("bench/"))
      .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
  );
  expect(scriptFiles.length).toBeGreaterThan(0);
  expect(upward).toEqual([]);
});
