import { readdirSync, readFileSync } from "node:fs";

/** Resident memory (bytes) of the processes in process group `pgid` whose name matches `name`. */
function groupRss(pgid: number, name: RegExp) {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (Number(fields[2]) !== pgid || !name.test(comm)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
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
