import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { BatchQueue } from "./pglite-batch-queue";

/** A database the dev server or the tests started, and how to stop it. */
export interface RunningDatabase {
  url: string;
  kind: "postgres" | "pglite";
  stop(): Promise<void>;
  /** Throwaway PostgreSQL only: stop and start the server, for fault tests. */
  pause?(): void;
  resume?(): void;
}

/** An unused TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function hasPostgresBinaries(): boolean {
  return spawnSync("initdb", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and
 * every server command runs as it.
 */
function asClusterOwner(cmd: string, args: string[]) {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  return execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"] }).toString();
}

/**
 * A throwaway PostgreSQL cluster in a temporary directory, tuned for speed. `durable` keeps
 * synchronous commit, so a commit survives the server being killed (fault tests need that; fsync
 * stays off, which only matters if the machine itself crashes). `settings` are further server
 * settings (`-c name=value`), such as libraries only loadable at start.
 */
export async function startThrowawayPostgres(
  options: { durable?: boolean; settings?: Record<string, string> } = {},
): Promise<RunningDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "ocs-pg-"));
  if (process.getuid?.() === 0) {
    const ids = execFileSync("id", ["-u", "postgres"]).toString().trim();
    const gid = execFileSync("id", ["-g", "postgres"]).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const data = join(dir, "data");
  const port = await freePort();
  asClusterOwner("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions",
  ]);
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    `-c synchronous_commit=${options.durable ? "on" : "off"}`,
    "-c full_page_writes=off",
    "-c max_connections=300",
    "-c timezone=UTC",
    ...Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`),
  ].join(" ");
  const start = () =>
    asClusterOwner("pg_ctl", ["-D", data, "-o", serverOptions, "-l", join(dir, "server.log"), "-w", "start"]);
  const stopServer = () => asClusterOwner("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    kind: "postgres",
    pause: stopServer,
    resume: start,
    async stop() {
      try {
        stopServer();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * PGlite (Postgres compiled to WebAssembly) behind its wire-protocol server, so wrangler's local
 * Hyperdrive can reach it like any Postgres. `dataDir` keeps data between runs; omit it for memory.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // pg_trgm backs the title search (migration 0015); real Postgres ships it in its contrib modules.
  const db = await PGlite.create(options.dataDir ?? "memory://", { extensions: { pg_trgm } });
  const port = options.port ?? (await freePort());
  // PGlite is one session; the server multiplexes connections onto it, keeping transactions whole.
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 50 });
  // Replaces the server's private queue, which interleaves batches (see BatchQueue); every connection
  // is created after start() and reads the queue from the server then.
  (server as unknown as { queryQueue: BatchQueue }).queryQueue = new BatchQueue(db);
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    kind: "pglite",
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Real PostgreSQL when its binaries are installed, PGlite otherwise. */
export async function startTestDatabase(): Promise<RunningDatabase> {
  return hasPostgresBinaries() ? startThrowawayPostgres() : startEmbeddedPostgres();
}
