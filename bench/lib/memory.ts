import { readFileSync } from "node:fs";
import { groupProcesses } from "./proc.ts";

/** Resident memory (bytes) of the processes in process group `pgid` whose name matches `name`. */
function groupRss(pgid: number, name: RegExp) {
  let total = 0;
  for (const { pid } of groupProcesses(pgid, name)) {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += Number(rss?.[1] ?? 0) * 1024;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

/** Samples the peak resident memory of a process group's matching processes until stopped. */
export function sampleMemory(pgid: number, name = /workerd/) {
  let peak = groupRss(pgid, name);
  const timer = setInterval(() => {
    peak = Math.max(peak, groupRss(pgid, name));
  }, 100);
  return {
    /** Peak so far in MiB. */
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, groupRss(pgid, name));
      return peak / 2 ** 20;
    },
  };
}
