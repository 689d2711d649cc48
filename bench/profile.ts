/**
 * `npm run bench:profile` (BENCH_ENDPOINT=createTask|getTask|listTasks|patchTask|…, default
 * getTask; catchUp is scenario 3's page of 1,000 changes): a CPU profile of the Worker while
 * autocannon loads one endpoint, through wrangler's DevTools endpoint. Prints where the isolate's time goes, by package and by function: the tool
 * for finding the gap between an endpoint and the constant-JSON Worker in scenario 1.
 * BENCH_PROFILE_OUT=<file>.cpuprofile also writes the profile, for Chrome DevTools' Performance panel.
 */

import { readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { devtools } from "../scripts/lib/devtools.ts";
import { WORKER_OUT } from "../scripts/lib/worker-bundle.ts";
import { CHANGES_LIMIT_MAX } from "../worker/routes/changes/schemas.ts";
import { ENDPOINTS, type Endpoint, SEEDED } from "./lib/endpoints.ts";
import { load } from "./lib/http-load.ts";
import { startPgbouncer } from "./lib/pgbouncer.ts";
import { ADMIN_TOKEN, seedTasks, startApp, startDatabase } from "./lib/stack.ts";
import { bundleSections, sourceAt } from "./lib/startup-profile.ts";

const ROOT = new URL("..", import.meta.url).pathname;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Profiled only: scenario 3's page (the largest), over the changes the seeded tasks wrote. */
const PROFILED: Record<string, Endpoint> = {
  ...ENDPOINTS,
  catchUp: {
    name: `GET /changes?since=0&limit=${CHANGES_LIMIT_MAX}`,
    method: "GET",
    path: () => `/changes?since=0&limit=${CHANGES_LIMIT_MAX}`,
    status: 200,
  },
};
const name = process.env.BENCH_ENDPOINT ?? "getTask";
const endpoint = PROFILED[name];
if (!endpoint) throw new Error(`BENCH_ENDPOINT must be one of ${Object.keys(PROFILED).join(", ")}`);

/**
 * The Worker's built modules by file name, read once the profile is taken (wrangler dev ran the
 * unminified build by then): its chunks hold many packages each, told apart by line.
 */
let built: Map<string, string> | undefined;
const builtFile = (url: string) => {
  built ??= new Map(
    readdirSync(WORKER_OUT, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => [basename(f), join(WORKER_OUT, f)] as const),
  );
  return built.get(basename(url));
};
const sections = new Map<string, ReturnType<typeof bundleSections>>();

/** The package a frame's code belongs to, or the project folder for our own code. */
const owner = (url: string, line: number) => {
  if (!url) return "(runtime)";
  const file = builtFile(url);
  if (file) {
    if (!sections.has(file)) sections.set(file, bundleSections(file, ROOT));
    return sourceAt(sections.get(file)!, line).replace(/ \(own code\)$/, "/");
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(worker|party|client)\//.exec(url);
  return own ? `${own[1]}/` : url.replace(/^.*\//, "");
};

const db = await startDatabase();
const pooler = await startPgbouncer({ host: "127.0.0.1", port: db.port });
await seedTasks(db.sql, SEEDED + 20_000);
// Unminified, so the profile names our functions (the Worker's build minifies what it ships; wrangler dev
// runs that build, which reads WORKER_MINIFY from the environment it inherits).
process.env.WORKER_MINIFY = "false";
const app = await startApp(pooler.url);
try {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await load(app.url, endpoint, { connections: 16, seconds: 2, headers });
  const inspector = await devtools(app.inspectorUrl);
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.send("Profiler.start");
  const result = await load(app.url, endpoint, { connections: 16, seconds: 5, headers });
  const { profile } = (await inspector.send("Profiler.stop")) as { profile: Profile };
  inspector.close();
  if (process.env.BENCH_PROFILE_OUT) writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(profile));

  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = totalMs / profile.samples.length;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * perSample;
    if (ms === 0) continue;
    const pkg = owner(node.callFrame.url, node.callFrame.lineNumber);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = builtFile(node.callFrame.url) ? `${pkg} ${basename(node.callFrame.url)}` : pkg;
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const requests = result.rps * 5;
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, ms]) =>
          `  ${((ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${(ms / requests).toFixed(3)} ms/req  ${key}`,
      )
      .join("\n");
  console.log(
    `${endpoint.name}: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms} ms, ${Math.round(requests)} requests profiled`,
  );
  console.log(`\nself time by package (idle = the isolate waiting on I/O):\n${top(byPackage, 15)}`);
  console.log(`\nself time by function:\n${top(byFunction, 30)}`);
} finally {
  await app.stop();
  await pooler.stop();
  await db.stop();
}
