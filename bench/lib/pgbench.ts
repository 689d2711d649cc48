import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "./result.ts";

export interface PgbenchResult {
  tps: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

/**
 * Runs a pgbench script for `seconds` with `clients` connections (threads = cores) and reads the
 * throughput from its summary and the latency percentiles from its per-transaction log.
 * `connectEach` is `-C`: a new connection per transaction, what a Worker without a pool pays.
 */
export async function pgbench(
  databaseUrl: string,
  script: string,
  options: { clients: number; seconds: number; connectEach?: boolean; retried?: boolean },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ocs-pgbench-"));
  try {
    writeFileSync(join(dir, "script.sql"), script);
    const args = [
      "-n",
      "-M",
      "extended",
      "-f",
      join(dir, "script.sql"),
      "-c",
      String(options.clients),
      "-j",
      "2",
      "-T",
      String(options.seconds),
      "-l",
      `--log-prefix=${join(dir, "log")}`,
      ...(options.connectEach ? ["-C"] : []),
      databaseUrl,
    ];
    const output = await new Promise<string>((resolve, reject) =>
      execFile("pgbench", args, { cwd: dir, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        err ? reject(new Error(`pgbench failed: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
    if (!Number.isFinite(tps)) {
      // No transaction finished in the window: 256 clients opening a connection each (-C) on a loaded
      // 2-core machine can take longer than a short run. Try once more for twice as long; if still
      // none, that is the measurement (0 tx/s), not a reason to lose the rest of the run.
      if (!options.retried)
        return pgbench(databaseUrl, script, { ...options, seconds: options.seconds * 2, retried: true });
      console.warn(`pgbench finished no transaction in ${options.seconds} s:\n${output}`);
      return { tps: 0 };
    }
    const latencies = readLogs(dir);
    if (latencies.length === 0) return { tps };
    return {
      tps,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-transaction logs: `client_id transaction_no time script_no time_epoch time_us`, time in µs. */
function readLogs(dir: string) {
  const samples: number[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith("log"))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const us = Number(line.split(" ")[2]);
      if (Number.isFinite(us) && line) samples.push(us / 1000);
    }
  }
  return samples;
}
