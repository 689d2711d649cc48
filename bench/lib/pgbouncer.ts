import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/postgres.ts";

export interface RunningPooler {
  url: string;
  pid: () => number | undefined;
  stop(): Promise<void>;
}

export function hasPgbouncer() {
  return spawnSync("pgbouncer", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * PgBouncer in transaction mode in front of `target` (host:port), standing in for Hyperdrive's
 * pool near the database: clients connect to it cheaply and it keeps a few server connections warm.
 * It refuses to run as root, so as root it runs as the `postgres` user, like the cluster.
 */
export async function startPgbouncer(target: { host: string; port: number }, poolSize = 20): Promise<RunningPooler> {
  const dir = mkdtempSync(join(tmpdir(), "ocs-pgbouncer-"));
  const port = await freePort();
  writeFileSync(join(dir, "users.txt"), '"postgres" "postgres"\n');
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `postgres = host=${target.host} port=${target.port} dbname=postgres user=postgres`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${poolSize}`,
      "max_client_conn = 5000",
      // postgres.js sends these as startup parameters; Hyperdrive accepts them, PgBouncer must be told to.
      "ignore_startup_parameters = extra_float_digits,statement_timeout,application_name",
      `logfile = ${join(dir, "pgbouncer.log")}`,
    ].join("\n"),
  );
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    for (const f of ["", "users.txt", "pgbouncer.ini"]) chownSync(join(dir, f), uid, gid);
  }
  const [file, args] = root
    ? ["runuser", ["-u", "postgres", "--", "pgbouncer", join(dir, "pgbouncer.ini")]]
    : ["pgbouncer", [join(dir, "pgbouncer.ini")]];
  const child: ChildProcess = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  for (const s of [child.stdout, child.stderr]) s?.on("data", (d) => (output += d));
  const deadline = performance.now() + 10_000;
  while (!(await listening(port))) {
    if (performance.now() > deadline || child.exitCode !== null) throw new Error(`pgbouncer did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    pid: () => child.pid,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
