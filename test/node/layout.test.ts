import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

/**
 * The README's Layout section drifts as features land (issue #12 found `mcp/` listed twice); this
 * keeps its folder names equal to the tree's: every folder of the repository and every part of
 * worker/ listed once, and nothing listed that is gone.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const WORKER = join(ROOT, "worker");

/** What is never committed (.gitignore) or never part of the layout: dot folders, installs, outputs. */
const UNLISTED = new Set(["node_modules", "coverage", "test-artifacts"]);

function layoutBlock(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Layout\n"));
  const block = /```\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error("README.md: no code block under ## Layout");
  return block[1]!.split("\n");
}

/** The names a Layout line starts with at `indent` spaces: `worker/`, `  cron.ts`, … */
const namesAt = (indent: number) =>
  layoutBlock()
    .map((line) => new RegExp(`^ {${indent}}(\\S+)(?: |$)`).exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();

it("lists every folder of the repository once", () => {
  const folders = readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !UNLISTED.has(e.name))
    .map((e) => `${e.name}/`);
  expect(namesAt(0)).toEqual(folders.sort());
});

it("lists every folder and top-level module of worker/ once", () => {
  const parts = readdirSync(WORKER, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")))
    // routes/ is drawn as its pattern, one sub-app per resource.
    .map((e) => (e.name === "routes" ? "routes/<name>/" : e.isDirectory() ? `${e.name}/` : e.name));
  expect(namesAt(2)).toEqual(parts.sort());
});
