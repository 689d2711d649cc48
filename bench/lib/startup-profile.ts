import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { packageOf, type WorkerBuild } from "./worker-build.ts";

const root = new URL("../..", import.meta.url).pathname;
const run = promisify(execFile);

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A V8 CPU profile (the inspector's Profiler.stop), as workerd and Node write it. */
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[]; positionTicks?: { line: number; ticks: number }[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** One startup, in ms of sampled time. */
export interface StartupProfile {
  /** Non-idle samples in the profile window: the figure `wrangler check startup` prints as "Active". */
  activeMs: number;
  garbageCollectionMs: number;
  /** Samples under the Worker's own module bodies: evaluating its global scope, the part the bundle decides. */
  globalScopeMs: number;
  /** Non-idle samples, and the mean time between any two: the profile's resolution. */
  samples: number;
  sampleIntervalMs: number;
  /** Self time in the bundle's code by where it was written (npm package or own folder); the runtime's is left out. */
  bySource: Map<string, number>;
}

const TOP_LEVEL = "top-level statements (no line ticks in this profile)";

/**
 * `wrangler check startup` on a prebuilt upload: workerd (through Miniflare) imports the Worker's
 * main module under the V8 CPU profiler: the work Cloudflare's startup limit counts, on this machine.
 */
export async function profileStartup(build: WorkerBuild, profilePath: string): Promise<StartupProfile> {
  await run(
    join(root, "node_modules/.bin/wrangler"),
    ["check", "startup", `--worker=${build.upload}`, `--outfile=${profilePath}`],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  return summarizeProfile(profilePath, build);
}

/** Totals of a CPU profile of importing `build`, and its self time by package. */
export function summarizeProfile(profilePath: string, build: WorkerBuild): StartupProfile {
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // A frame's module, as named in the upload (the app's chunks sit in lazy/); none for the runtime's code.
  const moduleOf = (id: number) => {
    const url = nodes.get(id)!.callFrame.url;
    return build.modules.find((m) => url === m || url.endsWith(`/${m}`));
  };
  const own = (id: number) => moduleOf(id) !== undefined;
  // V8 runs a module's top level as one anonymous function: the module body.
  const isBody = (id: number) => own(id) && nodes.get(id)!.callFrame.functionName === "";
  const underBody = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (isBody(at)) return true;
    return false;
  };

  const result: StartupProfile = {
    activeMs: 0,
    garbageCollectionMs: 0,
    globalScopeMs: 0,
    samples: 0,
    sampleIntervalMs: profile.timeDeltas.reduce((sum, d) => sum + d, 0) / 1000 / Math.max(1, profile.samples.length),
    bySource: new Map(),
  };
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const ms = profile.timeDeltas[i]! / 1000;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") return;
    result.activeMs += ms;
    result.samples++;
    if (frame.functionName === "(garbage collector)") result.garbageCollectionMs += ms;
    if (underBody(id)) result.globalScopeMs += ms;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  });

  const sections = new Map(build.modules.map((m) => [m, sectionsOf(build, m)]));
  const add = (where: string, ms: number) => result.bySource.set(where, (result.bySource.get(where) ?? 0) + ms);
  for (const [id, ms] of selfMs) {
    if (!own(id)) continue;
    const node = nodes.get(id)!;
    const starts = sections.get(moduleOf(id)!)!;
    if (!isBody(id)) add(sourceAt(starts, node.callFrame.lineNumber), ms);
    else if (!node.positionTicks?.length) add(TOP_LEVEL, ms);
    else {
      // Line ticks (Node's profiles have them, workerd's not) split the module body by line. They are 1-based.
      const ticks = node.positionTicks.reduce((sum, t) => sum + t.ticks, 0);
      for (const t of node.positionTicks) add(sourceAt(starts, t.line - 1), (ms * t.ticks) / ticks);
    }
  }
  return result;
}

/**
 * Where each input file starts in a bundled module: esbuild opens every one with a `// path` comment
 * (unminified output). Source maps would be finer but lose the package name where a dependency ships
 * its own map (drizzle's point at `../src/…`).
 */
function sectionsOf(build: WorkerBuild, module: string) {
  return bundleSections(join(build.outdir, module), build.esbuildBase);
}

/** `file`'s sections by input (its `// path` comments, relative to `base`), each with its package. */
export function bundleSections(file: string, base: string) {
  const lines = readFileSync(file, "utf8").split("\n");
  const starts: { line: number; source: string }[] = [];
  lines.forEach((text, line) => {
    const path = /^\/\/ ([^\s@]\S*\.(?:[cm]?[jt]sx?|json))$/.exec(text)?.[1];
    if (path) starts.push({ line, source: packageOf(resolve(base, path)) });
  });
  return starts;
}

/** The section holding a 0-based line; esbuild's helpers (__require, __name, __export) come before the first. */
export function sourceAt(starts: { line: number; source: string }[], line: number) {
  let found = "esbuild's module helpers";
  for (const start of starts) {
    if (start.line > line) break;
    found = start.source;
  }
  return found;
}
