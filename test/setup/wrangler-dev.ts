import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildDashboard } from "../../scripts/lib/dashboard";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { freePort, startTestDatabase } from "../../scripts/lib/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** Secrets the tests give the Worker (and use themselves to sign and authenticate). */
    testBindings: Record<string, string>;
    /** Origin of the `wrangler dev` the end-to-end tests run against. */
    e2eBaseUrl: string;
  }
}

const STARTUP_TIMEOUT_MS = 90_000;

/**
 * The whole product as `npm run dev` serves it: its own throwaway database, the dashboard built, and
 * `wrangler dev` (API, room, assets in one Worker) on free ports, with fresh Durable Object storage.
 */
export default async function setup(project: TestProject) {
  const database = await startTestDatabase();
  await migrateDatabase(database.url);
  await buildDashboard();
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "ocs-wrangler-"));
  const vars = Object.entries(project.getProvidedContext().testBindings).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const wrangler = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      persist,
      "--log-level",
      "warn",
      ...vars,
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: database.url,
        // A developer's .env must not leak into the tests' Worker.
        CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false",
        WRANGLER_SEND_METRICS: "false",
      },
    },
  );
  let output = "";
  for (const stream of [wrangler.stdout, wrangler.stderr]) stream?.on("data", (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, wrangler, () => output);
  } catch (err) {
    await stop(wrangler);
    await database.stop();
    throw err;
  }
  project.provide("e2eBaseUrl", baseUrl);
  return async () => {
    await stop(wrangler);
    await database.stop();
    rmSync(persist, { recursive: true, force: true });
  };
}

async function waitForHealth(baseUrl: string, wrangler: ChildProcess, output: () => string) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited (${wrangler.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer /health within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/** Stops wrangler and the workerd it started (its whole process group). */
async function stop(wrangler: ChildProcess) {
  if (wrangler.exitCode !== null || !wrangler.pid) return;
  const exited = new Promise((resolve) => wrangler.once("exit", resolve));
  process.kill(-wrangler.pid, "SIGTERM");
  const timer = setTimeout(() => wrangler.pid && process.kill(-wrangler.pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
