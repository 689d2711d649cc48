import { execFileSync } from "node:child_process";
import { groupProcesses } from "./proc.ts";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux, asked once). */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/**
 * CPU time (user + system, ms) used so far by the processes in process group `pgid` whose name
 * matches `name`: for `wrangler dev`, the workerd process that runs the Worker, its I/O threads
 * included (HTTP parsing, the database socket), not wrangler's Node process in front of it.
 */
export function groupCpuMs(pgid: number, name = /workerd/) {
  // utime and stime are fields 14 and 15 (fields[11] and fields[12] here).
  const ticks = groupProcesses(pgid, name).reduce((sum, p) => sum + Number(p.fields[11]) + Number(p.fields[12]), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}
