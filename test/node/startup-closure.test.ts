import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { outputsOf, readWorkerMetafile, staticClosure } from "../../scripts/lib/worker-bundle.ts";

/**
 * What an isolate evaluates when it starts: the chunks of the upload that its entry module imports
 * statically (scripts/lib/worker-bundle.ts splits the Worker; a chunk's code all runs when it is
 * imported). Everything else loads on first use through `import()` (issue #21). Cloudflare charges
 * the global scope of every cold isolate, and zod alone was about half of it, so this test keeps the
 * heavy parts out of that set.
 */
const ROOT = resolve(import.meta.dirname, "../..");

let dir: string;
let metafile: Metafile;
let startInputs: Set<string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ocs-startup-"));
  // What a deploy does: wrangler runs the [build] command, then uploads dist/worker/ as it is.
  await promisify(execFile)(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", `--outdir=${dir}`], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  metafile = await readWorkerMetafile();
  const loaded = staticClosure(metafile, outputsOf(metafile, ["worker/index.ts"]));
  startInputs = new Set([...loaded].flatMap((chunk) => Object.keys(metafile.outputs[chunk]!.inputs)));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reached = (fragment: string) => [...startInputs].filter((path) => path.includes(fragment));

it("starts without the packages that only requests need", () => {
  for (const pkg of [
    "/zod/",
    "/drizzle-orm/",
    "/pg/",
    "/hono/",
    "/@hono/",
    "/@modelcontextprotocol/",
    "/chrono-node/",
  ]) {
    expect(reached(`node_modules${pkg}`), pkg).toEqual([]);
  }
});

it("starts without the app, its settings, the database, the scan or the webhooks", () => {
  for (const part of ["worker/app.ts", "worker/routes/", "worker/settings/", "worker/db/", "worker/services/"]) {
    expect(reached(part), part).toEqual([]);
  }
  for (const part of ["worker/reminders/scan", "worker/webhooks/", "worker/mcp/", "worker/cron.ts"]) {
    expect(reached(part), part).toEqual([]);
  }
});

it("still holds the entry's own routing and the Durable Objects' classes (the test sees the real closure)", () => {
  expect(reached("worker/oauth/paths.ts")).toHaveLength(1);
  expect(reached("party/sync-room.ts")).toHaveLength(1);
  expect(reached("worker/reminders/clock.ts")).toHaveLength(1);
  expect(reached("node_modules/partyserver/")).not.toEqual([]);
});

it("bundles zod's English messages only (the other locales are never read)", () => {
  const locales = Object.keys(metafile.inputs).filter((path) =>
    /node_modules\/zod\/v4\/locales\/[^/]+\.js$/.test(path),
  );
  expect(locales.map((path) => path.split("/").at(-1))).toEqual(expect.arrayContaining(["en.js", "index.js"]));
  expect(locales).toHaveLength(2);
});

it("runs every module of ours after what it imports: each import's chunk is among its own chunk's static imports", () => {
  // esbuild's code splitting links a re-exported name straight to the chunk that defines it and can
  // drop the chunk of the module in between, with its side effects: a schema chunk that took `z`
  // from @hono/zod-openapi ran before zod had `.openapi()` (worker/http/zod.ts). A missing chunk here
  // is a side effect that may run late, or never, in a fresh isolate.
  const chunkOf = new Map<string, string>();
  for (const [chunk, out] of Object.entries(metafile.outputs))
    for (const input of Object.keys(out.inputs)) chunkOf.set(input, chunk);
  const late: string[] = [];
  for (const [chunk, out] of Object.entries(metafile.outputs)) {
    const loaded = staticClosure(metafile, [chunk]);
    for (const input of Object.keys(out.inputs)) {
      if (!/^(worker|party)\//.test(input)) continue;
      for (const imported of metafile.inputs[input]!.imports) {
        const holder = chunkOf.get(imported.path);
        if (imported.kind === "import-statement" && holder && !loaded.has(holder))
          late.push(`${input} → ${imported.path}`);
      }
    }
  }
  expect(late).toEqual([]);
});
