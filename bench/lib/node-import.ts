import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { WorkerBuild } from "./worker-build.ts";

const run = promisify(execFile);

/**
 * A module standing in for each `cloudflare:*` specifier the bundle imports: Node has none of them,
 * and evaluating the global scope only needs the names to exist (the app extends `DurableObject`
 * and reads `env` inside handlers, not at the top level).
 */
function cloudflareStubs(source: string) {
  const names = new Map<string, Set<string>>();
  for (const [, imported, specifier] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(cloudflare:[^"]+)"/g)) {
    const set = names.get(specifier!) ?? new Set();
    for (const name of imported!.split(",")) set.add(name.trim().split(/\s+as\s+/)[0]!);
    names.set(specifier!, set);
  }
  const stub = (set: Set<string>) => [...new Set([...set, "default"])].map((n) => `export { Stub as ${n} };`).join("");
  return Object.fromEntries(
    [...names].map(([specifier, set]) => [
      specifier,
      `data:text/javascript,${encodeURIComponent(`class Stub {}${stub(set)}`)}`,
    ]),
  );
}

/** Node's built-in modules the bundle imports: the runtime's, loaded before the clock starts as workerd has them. */
const builtins = (source: string) => [...new Set([...source.matchAll(/from\s*"(node:[^"]+)"/g)].map((m) => m[1]!))];

/**
 * One `import()` of the bundled main module in a fresh Node process (no compile cache): reading,
 * compiling and evaluating its global scope in Node's V8, in ms of wall-clock and of process CPU
 * (V8's background compile and GC threads included). Precise where the workerd profile is coarse
 * (its samples are milliseconds apart), but Node, not workerd.
 */
export async function importTime(build: WorkerBuild): Promise<{ wallMs: number; cpuMs: number }> {
  const timed = `
    const [wall, cpu] = [performance.now(), process.cpuUsage()];
    await import(main);
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }));
  `;
  return JSON.parse(await runImport(build, timed)) as { wallMs: number; cpuMs: number };
}

/**
 * The same import under V8's CPU profiler, sampling every 0.1 ms with line ticks, written to
 * `profilePath`: fine enough to say which package the global scope spends its time in. Not timed
 * (the profiler costs time of its own).
 */
export async function importProfile(build: WorkerBuild, profilePath: string): Promise<void> {
  const profiled = `
    const { Session } = await import("node:inspector/promises");
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    await import(main);
    const { profile } = await session.post("Profiler.stop");
    (await import("node:fs")).writeFileSync(${JSON.stringify(profilePath)}, JSON.stringify(profile));
  `;
  await runImport(build, profiled);
}

/** Runs `body` (which imports `main`) in a fresh Node with cloudflare:* stubbed; returns its last line of output. */
async function runImport(build: WorkerBuild, body: string) {
  const main = join(build.outdir, build.modules[0]!);
  // Every module's imports: the app's chunks (lazy/) import cloudflare:* and the builtins too.
  const source = build.modules.map((m) => readFileSync(join(build.outdir, m), "utf8")).join("\n");
  // registerHooks runs in the importing thread, so the import pays no hook-thread round trips.
  // The format hint spares Node parsing the file twice to guess CommonJS or ES module (no package.json).
  // The ES module loader, the builtins and the web globals Node loads lazily are warmed first.
  const script = `
    import { registerHooks } from "node:module";
    const stubs = ${JSON.stringify(cloudflareStubs(source))};
    const main = ${JSON.stringify(pathToFileURL(main).href)};
    registerHooks({
      resolve: (specifier, context, next) =>
        specifier in stubs
          ? { url: stubs[specifier], shortCircuit: true }
          : specifier === main ? { ...next(specifier, context), format: "module" } : next(specifier, context),
    });
    await import("data:text/javascript,");
    for (const builtin of ${JSON.stringify(builtins(source))}) await import(builtin);
    void [Request, Response, Headers, FormData, fetch, WebSocket, crypto.subtle];
    ${body}
  `;
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { env });
  return stdout.trim().split("\n").at(-1) ?? "";
}
