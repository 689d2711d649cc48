import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface PgbenchResult {
  /** Script runs per second, connection set-up excluded. */
  tps: number;
  transactions: number;
  latencyMs: number;
}

/**
 * Runs a custom pgbench script (`-n`: no vacuum of pgbench's own tables, which do not exist here)
 * with prepared statements, as postgres.js sends them, for `seconds` on `clients` connections.
 */
export async function runPgbench(
  databaseUrl: string,
  script: string,
  options: { clients: number; seconds: number },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ocs-pgbench-"));
  const file = join(dir, "script.sql");
  writeFileSync(file, script);
  try {
    const clients = String(options.clients);
    const { stdout } = await promisify(execFile)("pgbench", [
      "-n",
      "-M",
      "prepared",
      "-f",
      file,
      "-T",
      String(options.seconds),
      "-c",
      clients,
      "-j",
      clients,
      databaseUrl,
    ]);
    const number = (pattern: RegExp) => {
      const match = pattern.exec(stdout);
      if (!match) throw new Error(`pgbench printed no ${pattern.source}:\n${stdout}`);
      return Number(match[1]);
    };
    return {
      tps: number(/tps = ([\d.]+) \(without initial connection time\)/),
      transactions: number(/number of transactions actually processed: (\d+)/),
      latencyMs: number(/latency average = ([\d.]+) ms/),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
