import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

/**
 * What an isolate evaluates when it starts: the modules the Worker's entry reaches through static
 * imports, in the bundle a deploy would upload. Everything else loads on first use through
 * `import()` (issue #21). Cloudflare charges the global scope of every cold isolate, and zod alone
 * was about half of it, so this test keeps the heavy parts out of that set.
 */
const ROOT = resolve(import.meta.dirname, "../..");

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}

let dir: string;
let staticClosure: Set<string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ocs-startup-"));
  await promisify(execFile)(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", `--outdir=${join(dir, "out")}`, `--metafile=${join(dir, "meta.json")}`],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  const { inputs } = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as Metafile;
  const entry = Object.keys(inputs).find((path) => path.endsWith("worker/index.ts"));
  if (!entry) throw new Error("the metafile has no worker/index.ts");
  staticClosure = new Set([entry]);
  for (const path of staticClosure) {
    for (const imported of inputs[path]?.imports ?? []) {
      if (imported.kind !== "dynamic-import" && !imported.external) staticClosure.add(imported.path);
    }
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reached = (fragment: string) => [...staticClosure].filter((path) => path.includes(fragment));

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
