import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./postgres";

/** A `wrangler dev` server this process started, and how to stop it. */
export interface RunningWorker {
  url: string;
  /** The process group wrangler and its workerd run in. */
  pid: number;
  /** wrangler's DevTools endpoint for the Worker (CPU profiles: bench/profile.ts). */
  inspectorUrl: string;
  /** Everything wrangler printed so far (the Worker's logs included). */
  output(): string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  /** The Postgres the Hyperdrive binding connects to. */
  databaseUrl: string;
  /** Worker variables and secrets, passed as `--var NAME:value` (they win over wrangler.toml). */
  vars?: Record<string, string>;
  /** Extra command-line flags, such as `--log-level=warn`. */
  flags?: string[];
  timeoutMs?: number;
  /** How often /health is tried while waiting (default 250 ms); the bench's cold start needs it finer. */
  pollMs?: number;
}

const root = new URL("../..", import.meta.url).pathname;

/**
 * The whole Worker under `wrangler dev --test-scheduled` (workerd, local Hyperdrive, the room, the
 * cron, the dashboard's assets) on free ports against `databaseUrl`; resolves once /health answers.
 * Durable Object state goes to a temporary directory, and a developer's `.env` is not read, so every
 * run starts from the same place.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<RunningWorker> {
  // A port the kernel called free can be taken again before wrangler binds it (the previous
  // scenario's workerd still closing, or the two picks colliding): CI hit "Address already in
  // use" once. Such a start is retried on fresh ports; any other failure is thrown at once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(options: WranglerDevOptions): Promise<RunningWorker> {
  const port = await freePort();
  let inspectorPort = await freePort();
  while (inspectorPort === port) inspectorPort = await freePort();
  const state = mkdtempSync(join(tmpdir(), "ocs-wrangler-"));
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child: ChildProcess = spawn(
    join(root, "node_modules/.bin/wrangler"),
    [
      "dev",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--inspector-port=${inspectorPort}`,
      "--test-scheduled",
      `--persist-to=${state}`,
      "--show-interactive-dev-session=false",
      ...(options.flags ?? []),
      ...vars,
    ],
    {
      cwd: root,
      // Its own process group, so stopping it stops the workerd it started too.
      detached: true,
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: options.databaseUrl,
        CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false",
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
    rmSync(state, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + (options.timeoutMs ?? 90_000);
  while (performance.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/health`)).ok)
        return { url, pid: child.pid!, inspectorUrl: `http://127.0.0.1:${inspectorPort}`, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
  await stop();
  const message = `wrangler dev did not become healthy:\n${output}`;
  throw /Address already in use/.test(output) ? new PortTakenError(message) : new Error(message);
}
