import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

const ROOT = new URL("../../", import.meta.url).pathname;
/** What wrangler.toml uploads (`main`, `base_dir`): the entry and its chunks. */
export const WORKER_OUT = join(ROOT, "dist/worker");
/** esbuild's metafile of the last build, outside the upload (the bench and the startup test read it). */
export const WORKER_METAFILE = join(ROOT, "dist/worker.meta.json");

const BUILTINS = new Set(builtinModules);

/**
 * Node's built-in modules stay imports, as wrangler's own bundler leaves them (workerd serves them
 * under `nodejs_compat`). A CommonJS `require()` of one (pg's `require("events")`) cannot stay a
 * `require` in an ES module, so it becomes a module that imports the built-in, as wrangler's
 * nodejs_compat plugin does.
 */
const nodeBuiltins: Plugin = {
  name: "node-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!BUILTINS.has(args.path.replace(/^node:/, ""))) return undefined;
      if (args.kind === "require-call") return { path: args.path, namespace: "node-require" };
      return { path: args.path, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: "node-require" }, (args) => ({
      contents: `import builtin from ${JSON.stringify(args.path)}; module.exports = builtin;`,
      loader: "js",
    }));
    b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * zod's error messages in English only. `@hono/zod-openapi` extends the whole `z` namespace, and
 * `z.core.locales` re-exports every language's messages, so a bundler must keep all ~50 of them
 * (258 KiB of the 448 KiB zod took, issue #21). zod configures English itself (`config(en())` in
 * its classic entry) and the API answers in English, so the other locales are never read. They
 * are imported by relative path inside zod, which no alias reaches; this replaces the index.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[/\\]zod[/\\]v4[/\\]locales[/\\]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Bundles the Worker as it is deployed and run under `wrangler dev` (wrangler.toml's `[build]`):
 * one small entry module and a chunk per part. Wrangler's own bundler emits a single module, so
 * every isolate compiled all 1.4 MB at start although `worker/index.ts` imports each part on first
 * use; with code splitting an isolate compiles the entry (its routing and the Durable Objects'
 * classes) and then only the chunks its requests import. The options mirror wrangler's (its
 * conditions, target and syntax, `nodejs_compat`'s handling of built-ins).
 *
 * Wrangler's own answer to this is partial bundling (workers-sdk#3726, wrangler 3.11.0's notes):
 * with `find_additional_modules` it uploads the files under `base_dir` that match `rules` as modules
 * of their own, and in its bundling mode "dynamic imports … would be bundled into your entrypoint,
 * making lazy loading less effective". Under `no_bundle` wrangler injects none of its dev-time
 * middleware, so `npm run dev` triggers the cron through Miniflare's own
 * `/cdn-cgi/handler/scheduled`, never `--test-scheduled`'s `/__scheduled`.
 */
export async function bundleWorker() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: "worker/index.ts" },
    outdir: WORKER_OUT,
    chunkNames: "lazy/[name]-[hash]",
    // `.mjs` is an ES module to every tool without a package.json beside it (Miniflare's default
    // rules, Node in the bench); wrangler.toml's rule uploads lazy/*.mjs.
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2024",
    supported: { "import-source": true, using: true },
    conditions: ["workerd", "worker", "browser"],
    // `npm run bench:profile` asks for names: WORKER_MINIFY=false reaches this through wrangler dev.
    minify: process.env.WORKER_MINIFY !== "false",
    sourcemap: true,
    metafile: true,
    write: false,
    define: {
      "process.env.NODE_ENV": '"production"',
      "global.process.env.NODE_ENV": '"production"',
      "globalThis.process.env.NODE_ENV": '"production"',
      "navigator.userAgent": '"Cloudflare-Workers"',
    },
    plugins: [nodeBuiltins, zodEnglishOnly],
    logLevel: "warning",
  });
  await mkdir(WORKER_OUT, { recursive: true });
  const written = new Set<string>();
  for (const file of result.outputFiles) {
    written.add(file.path);
    await writeIfChanged(file.path, file.contents);
  }
  await removeStale(WORKER_OUT, written);
  await writeIfChanged(WORKER_METAFILE, new TextEncoder().encode(JSON.stringify(result.metafile)));
  return { files: [...written].map((path) => relative(WORKER_OUT, path)), metafile: result.metafile };
}

/**
 * `wrangler dev` runs this build on start, and the tests start several at once: a file is replaced
 * whole (written beside it, then renamed) and only when it changed, so a concurrent reader never
 * sees half a chunk and an unchanged build does not wake wrangler's watcher.
 */
async function writeIfChanged(path: string, contents: Uint8Array) {
  const old = await readFile(path).catch(() => undefined);
  if (old?.equals(contents)) return;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/** The last build's metafile (`bundleWorker` writes it; `wrangler dev` and `wrangler deploy` run that build). */
export async function readWorkerMetafile(): Promise<Metafile> {
  return JSON.parse(await readFile(WORKER_METAFILE, "utf8")) as Metafile;
}

/** The outputs built from `entries`: source paths of the entry point or of `import()` targets, as the metafile names them. */
export function outputsOf(meta: Metafile, entries: string[]) {
  const outputs = Object.keys(meta.outputs).filter((out) => entries.includes(meta.outputs[out]!.entryPoint ?? ""));
  if (outputs.length !== entries.length)
    throw new Error(`the metafile has no output for some of ${entries.join(", ")}`);
  return outputs;
}

/**
 * What an isolate evaluates when it imports `outputs`: those chunks and every chunk they import
 * statically, transitively. A chunk's code all runs when it is imported; `import()` targets wait
 * for a request that needs them.
 */
export function staticClosure(meta: Metafile, outputs: string[]) {
  const chunks = new Set(outputs);
  for (const chunk of chunks)
    for (const imported of meta.outputs[chunk]!.imports)
      if (imported.kind === "import-statement" && !imported.external) chunks.add(imported.path);
  return chunks;
}

/** Chunks of an earlier build (find_additional_modules would upload them too); index.d.ts is committed. */
async function removeStale(dir: string, keep: Set<string>) {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !keep.has(path) && /\.mjs(\.map)?$/.test(path)) await rm(path, { force: true });
  }
}
