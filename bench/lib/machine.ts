import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

const root = new URL("../..", import.meta.url).pathname;

const version = (pkg: string) =>
  (JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;

/** What the numbers were measured on: they mean nothing without it. */
export function machine() {
  const cpu = cpus();
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim();
    } catch {
      return "not found";
    }
  };
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: version("workerd"),
    wrangler: version("wrangler"),
    postgres: run("postgres", ["--version"]),
    pgbouncer: run("pgbouncer", ["--version"]).split("\n")[0] ?? "not found",
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}
