import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { importProfile, importTime } from "../lib/node-import.ts";
import { percentile, type Row, round, type ScenarioResult } from "../lib/result.ts";
import { startApp, startHello } from "../lib/stack.ts";
import { profileStartup, summarizeProfile } from "../lib/startup-profile.ts";
import { buildWorker, loadedFor } from "../lib/worker-build.ts";
import type { Measured } from "./footprint-measured.ts";
import { footprintNotes } from "./footprint-notes.ts";

export interface FootprintContext {
  quick: boolean;
  /** The app's /health answers 200 only once `select 1` does, so its cold start needs a database. */
  databaseUrl: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
// developers.cloudflare.com/workers/platform/limits. The compressed limits were removed on 2026-09-04
// (changelog 2026-09-04-increased-worker-size-limit, workers-sdk#14001); both are shown.
const SIZE_LIMIT = { bytes: 64 * MiB, name: "64 MiB uncompressed, every plan (since 2026-09-04)" };
const GZIP_FREE = { bytes: 3 * MiB, name: "3 MiB gzip, Free plan (until 2026-09-04)" };
const GZIP_PAID = { bytes: 10 * MiB, name: "10 MiB gzip, Paid plan (until 2026-09-04)" };
// Issue #21's goal for the bundle, read as what an isolate loads (the app is split into chunks).
const GZIP_GOAL = { bytes: 130 * KiB, name: "130 KiB gzip (issue #21's goal)" };
/** What an isolate loads for each kind of work, by the source files its path imports (worker/index.ts, app.ts). */
const LOADED_FOR = {
  "at start (the entry module and its static imports)": ["worker/index.ts"],
  "for GET /tasks/{id} (the entry, the API's stack, the /tasks part)": [
    "worker/index.ts",
    "worker/app.ts",
    "worker/routes/tasks/index.ts",
    "worker/routes/attachments/index.ts",
  ],
  "for POST /mcp (the entry, the API's stack, the MCP part and its SDK)": [
    "worker/index.ts",
    "worker/app.ts",
    "worker/mcp/route.ts",
    "worker/mcp/answer.ts",
  ],
};
// "1 second to parse and execute its global scope" on every plan (400 ms before changelog 2025-10-10).
const STARTUP_LIMIT_MS = 1000;
const STARTUP_LIMIT = "1 s startup (global scope), every plan";
/** /health is tried this often while wrangler dev starts: the cold start's resolution. */
const POLL_MS = 20;

const median = (xs: number[]) => percentile(xs, 50);
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
const kib = (bytes: number) => round(bytes / KiB, 1)!;

/**
 * Scenario 5: what the Worker costs before it answers anything. The bundle a deploy uploads (raw and
 * gzip) against Cloudflare's size limits, and its startup (evaluating the global scope) against the
 * 1 s limit, each beside a bare Hono Worker (bench/hello) built and measured the same way.
 */
export async function edgeFootprint(ctx: FootprintContext): Promise<ScenarioResult> {
  const runs = ctx.quick ? 2 : 3;
  const coldRuns = ctx.quick ? 1 : 2;
  const app: Measured = {
    name: "app",
    build: await buildWorker(),
    start: () => startApp(ctx.databaseUrl, {}, { pollMs: POLL_MS }),
    ...empty(),
  };
  const hello: Measured = {
    name: "hello",
    build: await buildWorker("bench/hello/wrangler.toml"),
    start: () => startHello(POLL_MS),
    ...empty(),
  };
  try {
    // Alternating app and hello spreads whatever else the machine is doing over both.
    for (let i = 0; i < runs; i++) {
      for (const w of [app, hello]) {
        w.profiles.push(await profileStartup(w.build, w.build.scratch(`startup-${i}.cpuprofile`)));
        w.imports.push(await importTime(w.build));
        const nodeProfile = w.build.scratch(`node-${i}.cpuprofile`);
        await importProfile(w.build, nodeProfile);
        w.nodeProfiles.push(summarizeProfile(nodeProfile, w.build));
      }
    }
    for (let i = 0; i < coldRuns; i++) for (const w of [app, hello]) w.coldStartsMs.push(await coldStart(w.start));
    return {
      title: "5. Edge footprint: bundle size and startup, against Cloudflare's limits and a bare Hono Worker",
      ratioMeaning: "measured ÷ limit (1.0 = at the limit); the cold-start rows have no platform limit, only hello",
      rows: [...sizeRows(app, hello), ...sizeRows(hello, app), ...startupRows(app, hello), ...startupRows(hello, app)],
      notes: footprintNotes(app, hello, { runs, pollMs: POLL_MS }),
    };
  } finally {
    app.build.remove();
    hello.build.remove();
  }
}

const empty = () => ({ profiles: [], imports: [], nodeProfiles: [], coldStartsMs: [] });

/** Wall-clock from spawning `wrangler dev` to its first 200 on /health. */
async function coldStart(start: () => Promise<RunningWorker>) {
  const started = performance.now();
  const worker = await start();
  const elapsed = performance.now() - started;
  await worker.stop();
  return elapsed;
}

function sizeRows(w: Measured, other: Measured): Row[] {
  const scenario = "5 edge footprint";
  const versus = (mine: number, theirs: number) =>
    w.name === "app" ? `${round(mine / theirs, 1)}× hello` : `app is ${round(theirs / mine, 1)}× this`;
  const loaded: Row[] =
    w.name !== "app"
      ? []
      : Object.entries(LOADED_FOR).map(([when, entries]) => {
          const part = loadedFor(w.build, entries);
          return {
            scenario,
            case: `app: modules an isolate loads ${when}, gzip`,
            sizeKiB: kib(part.gzipBytes),
            limit: GZIP_GOAL.name,
            ratio: round(part.gzipBytes / GZIP_GOAL.bytes, 3),
            note: `${count(part.modules, "module")} of ${w.build.modules.length}, ${kib(part.rawBytes)} KiB uncompressed`,
          };
        });
  return [
    {
      scenario,
      case: `${w.name}: bundle, uncompressed`,
      sizeKiB: kib(w.build.rawBytes),
      limit: SIZE_LIMIT.name,
      ratio: round(w.build.rawBytes / SIZE_LIMIT.bytes, 4),
      note: versus(w.build.rawBytes, other.build.rawBytes),
    },
    {
      scenario,
      case: `${w.name}: bundle, gzip (level 6)`,
      sizeKiB: kib(w.build.gzipBytes),
      limit: GZIP_FREE.name,
      ratio: round(w.build.gzipBytes / GZIP_FREE.bytes, 4),
      note: `÷ ${GZIP_PAID.name} = ${round(w.build.gzipBytes / GZIP_PAID.bytes, 4)}; ${versus(w.build.gzipBytes, other.build.gzipBytes)}`,
    },
    ...loaded,
  ];
}

function startupRows(w: Measured, other: Measured): Row[] {
  const scenario = "5 edge footprint";
  const active = w.profiles.map((p) => p.activeMs);
  const cpu = w.imports.map((i) => i.cpuMs);
  const extraCold = median(w.coldStartsMs) - median(other.coldStartsMs);
  return [
    {
      scenario,
      case: `${w.name}: startup CPU in workerd (wrangler check startup), ${count(w.profiles.length, "run")}`,
      p50Ms: round(median(active)),
      maxMs: round(Math.max(...active)),
      limit: STARTUP_LIMIT,
      ratio: round(median(active) / STARTUP_LIMIT_MS, 3),
      note:
        `mean ${round(active.reduce((a, b) => a + b, 0) / active.length)} ms; ` +
        `global scope ${round(median(w.profiles.map((p) => p.globalScopeMs)))} ms, ` +
        `GC ${round(median(w.profiles.map((p) => p.garbageCollectionMs)))} ms, ` +
        `${count(median(w.profiles.map((p) => p.samples)), "sample")} (p50), one every ` +
        `${round(median(w.profiles.map((p) => p.sampleIntervalMs)))} ms`,
    },
    {
      scenario,
      case: `${w.name}: import() in a fresh Node (compile + global scope), process CPU, ${count(w.imports.length, "run")}`,
      p50Ms: round(median(cpu)),
      maxMs: round(Math.max(...cpu)),
      limit: STARTUP_LIMIT,
      ratio: round(median(cpu) / STARTUP_LIMIT_MS, 3),
      note: `wall-clock p50 ${round(median(w.imports.map((i) => i.wallMs)))} ms`,
    },
    {
      scenario,
      case: `${w.name}: cold start under wrangler dev to first 200 on /health, ${count(w.coldStartsMs.length, "run")}`,
      p50Ms: round(median(w.coldStartsMs), 0),
      maxMs: round(Math.max(...w.coldStartsMs), 0),
      limit: "no platform limit (local tooling)",
      note: w.name === "app" ? `${round(extraCold, 0)} ms more than hello` : "the floor the app is compared with",
    },
  ];
}
