import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type { Metafile } from "esbuild";
import { outputsOf, staticClosure, WORKER_METAFILE, WORKER_OUT } from "../../scripts/lib/worker-bundle.ts";

const root = new URL("../..", import.meta.url).pathname;
const run = promisify(execFile);
const METAFILE = "bundle-meta.json";

/** What `wrangler deploy --dry-run` would upload, and how big it is. */
export interface WorkerBuild {
  /** The modules wrangler emitted into `outdir` (source maps and its README left out), main module first. */
  modules: string[];
  outdir: string;
  rawBytes: number;
  /** gzip of the modules concatenated, at zlib's default level 6, as wrangler computes its own figure. */
  gzipBytes: number;
  /** wrangler's own "Total Upload: … / gzip: …" line, printed beside ours as a cross-check. */
  wranglerReport: string;
  /** esbuild's metafile: what each input contributes to the output. */
  metafile: string;
  /** The directory esbuild's paths (metafile, `// path` comments in the bundle) are relative to. */
  esbuildBase: string;
  /** The multipart upload body (`--outfile`), which `wrangler check startup --worker` profiles. */
  upload: string;
  /** A scratch path beside the build, removed with it. */
  scratch(name: string): string;
  remove(): void;
}

/**
 * Bundles a Worker exactly as a deploy would (`wrangler deploy --dry-run`: no account, no network)
 * into a temporary directory. `config` is a wrangler.toml relative to the repository; none means the app.
 */
export async function buildWorker(config?: string): Promise<WorkerBuild> {
  const dir = mkdtempSync(join(tmpdir(), "ocs-footprint-"));
  const outdir = join(dir, "out");
  const { stdout } = await run(
    join(root, "node_modules/.bin/wrangler"),
    [
      "deploy",
      "--dry-run",
      `--outdir=${outdir}`,
      `--metafile=${join(outdir, METAFILE)}`,
      `--outfile=${join(dir, "worker.bundle")}`,
      ...(config ? ["--config", join(root, config)] : []),
    ],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, maxBuffer: 16 * 2 ** 20 },
  );
  const main = readFileSync(join(dir, "worker.bundle"), "latin1").match(/"main_module":"([^"]+)"/)?.[1];
  // The app's modules are an entry and its chunks in lazy/ (scripts/lib/worker-bundle.ts).
  const modules = readdirSync(outdir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => relative(outdir, join(f.parentPath, f.name)))
    .filter((f) => f !== METAFILE && f !== "README.md" && !f.endsWith(".map"))
    .sort((a, b) => Number(b === main) - Number(a === main) || a.localeCompare(b));
  const contents = modules.map((f) => readFileSync(join(outdir, f)));
  return {
    modules,
    outdir,
    rawBytes: contents.reduce((sum, c) => sum + c.length, 0),
    gzipBytes: gzipSync(Buffer.concat(contents)).length,
    wranglerReport: stdout.match(/Total Upload: .*/)?.[0] ?? "wrangler printed no size",
    // With `no_bundle` wrangler writes no metafile; the app's build writes its own.
    metafile: existsSync(join(outdir, METAFILE)) ? join(outdir, METAFILE) : WORKER_METAFILE,
    // wrangler runs esbuild in the directory of the wrangler.toml.
    esbuildBase: dirname(join(root, config ?? "wrangler.toml")),
    upload: join(dir, "worker.bundle"),
    scratch: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The npm package an absolute path belongs to (the innermost node_modules), or the repository's top folder. */
export function packageOf(path: string) {
  const at = path.lastIndexOf("/node_modules/");
  if (at === -1) return `${relative(root, path).split("/")[0]} (own code)`;
  const [scope, name] = path.slice(at + "/node_modules/".length).split("/");
  return scope?.startsWith("@") ? `${scope}/${name}` : scope!;
}

/** Output bytes per package, largest first, from esbuild's metafile. */
export function bundleContributors(build: WorkerBuild) {
  const meta = JSON.parse(readFileSync(build.metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const bytes = new Map<string, number>();
  for (const [output, { inputs }] of Object.entries(meta.outputs)) {
    if (output.endsWith(".map")) continue;
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      const where = packageOf(resolve(build.esbuildBase, input));
      bytes.set(where, (bytes.get(where) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/**
 * The modules an isolate loads to run `entries` (source files of the app's dynamic-import targets):
 * the chunks those entries' outputs import statically, transitively, and their size. The app is
 * split (scripts/lib/worker-bundle.ts), so this is what an isolate compiles for the parts it serves.
 */
export function loadedFor(build: WorkerBuild, entries: string[]) {
  const meta = JSON.parse(readFileSync(build.metafile, "utf8")) as Metafile;
  const chunks = staticClosure(meta, outputsOf(meta, entries));
  // The metafile names outputs from the repository's root; the upload holds them under its base_dir.
  const contents = [...chunks].map((path) => readFileSync(join(build.outdir, relative(WORKER_OUT, join(root, path)))));
  return {
    modules: chunks.size,
    rawBytes: contents.reduce((sum, c) => sum + c.length, 0),
    gzipBytes: gzipSync(Buffer.concat(contents)).length,
  };
}
