import { readdirSync, readFileSync } from "node:fs";

/**
 * The processes in process group `pgid` whose command name matches `name`, each with its pid and
 * the fields of /proc/<pid>/stat after the command name (proc(5): fields[0] is field 3, the state).
 */
export function groupProcesses(pgid: number, name: RegExp): { pid: string; fields: string[] }[] {
  const found: { pid: string; fields: string[] }[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name is in parentheses and may hold spaces.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      // fields[2] is field 5, the process group.
      if (Number(fields[2]) === pgid && name.test(comm)) found.push({ pid, fields });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return found;
}
