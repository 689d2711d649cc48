import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

/** The bare `ws` broadcaster, running in its own process: what fan-out costs with nothing else in the way. */
export interface RunningBaseline {
  /** POST a message to `${url}/broadcast` to send it to every client; connect clients to `${url}/`. */
  url: string;
  /** Its process group (for `sampleMemory`); it is the group's only process. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the baseline in a child process, as the app runs in workerd, another process: the clients'
 * process then does the same work against both. Node runs this very file (it strips the types).
 */
export async function startWsBaseline(): Promise<RunningBaseline> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    detached: true,
    // stdin stays open for the child's life: it is how the child notices this process is gone.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(-child.pid, "SIGKILL");
      await exited;
    }
  };
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const port = await new Promise<number>((resolve, reject) => {
      let output = "";
      child.stdout?.on("data", (chunk) => {
        output += chunk;
        const match = /^listening (\d+)$/m.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`the ws baseline exited (${code}) before listening`)));
      timer = setTimeout(() => reject(new Error("the ws baseline did not start in 10 s")), 10_000);
    }).finally(() => clearTimeout(timer));
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The child: answers each POST /broadcast, then sends its body as one text frame to every client,
 * in the same order as the app (the write's response first, the broadcast after it).
 */
function serve() {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/broadcast") return res.writeHead(404).end();
      res.writeHead(204).end();
      const message = Buffer.concat(chunks);
      for (const client of wss.clients) client.send(message, { binary: false });
    });
  });
  // No compression, like the clients ask for: both systems send the same plain frames.
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  server.listen(0, "127.0.0.1", () => {
    console.log(`listening ${(server.address() as { port: number }).port}`);
  });
  // The bench was killed before it could stop us: do not outlive it.
  process.stdin.on("end", () => process.exit(0)).resume();
}

if (import.meta.main) serve();
