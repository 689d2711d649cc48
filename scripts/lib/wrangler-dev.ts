import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./postgres";

export interface RunningWorker {
  url: string;
  /** Everything wrangler printed, for assertions on logs and for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The whole Worker under `wrangler dev` (workerd, local Hyperdrive, the room, the cron via
 * `--test-scheduled`), on a free port, against `databaseUrl`. Resolves once /health answers.
 */
export async function startWranglerDev(options: {
  databaseUrl: string;
  vars?: Record<string, string>;
  timeoutMs?: number;
}): Promise<RunningWorker> {
  const port = await freePort();
  const inspector = await freePort();
  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspector),
    "--test-scheduled",
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn("wrangler", args, {
    env: {
      ...process.env,
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: options.databaseUrl,
      WRANGLER_SEND_METRICS: "false",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { url, output: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy in time:\n${log}`);
}
