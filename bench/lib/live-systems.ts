import type { RunningWorker } from "../../scripts/lib/wrangler.ts";
import { ENDPOINTS } from "./endpoints.ts";
import { sampleMemory } from "./memory.ts";
import { ADMIN_TOKEN } from "./stack.ts";

export interface Written {
  id: string;
  sentAt: number;
  /** performance.now() when the write's response arrived: the moment its writer knows it committed. */
  respondedAt: number;
}

/** One side of the comparison: how to connect a client and how to make one write that every client hears of. */
export interface System {
  name: string;
  socketUrl(): Promise<string>;
  write(i: number): Promise<Written>;
  memory(): { stop(): number };
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The app: a write is POST /tasks with the admin token; its one task.created change goes to the room. */
export function appSystem(app: RunningWorker): System {
  const create = ENDPOINTS.createTask;
  return {
    name: "app (SyncRoom in workerd)",
    async socketUrl() {
      const res = await fetch(`${app.url}/realtime/token`, { method: "POST", headers: auth });
      if (res.status !== 200) throw new Error(`POST /realtime/token: ${res.status} ${await res.text()}`);
      const { token, path } = (await res.json()) as { token: string; path: string };
      return `${app.url.replace(/^http/, "ws")}${path}?token=${token}`;
    },
    async write(i) {
      const sentAt = performance.now();
      const res = await fetch(`${app.url}${create.path()}`, {
        method: create.method,
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(create.body(i)),
      });
      const respondedAt = performance.now();
      if (res.status !== create.status) throw new Error(`${create.name}: ${res.status} ${await res.text()}`);
      return { id: ((await res.json()) as { id: string }).id, sentAt, respondedAt };
    },
    memory: () => sampleMemory(app.pid),
  };
}

/** The bare server, sent a real room message with only its id changed (same bytes, same length). */
export function baselineSystem(url: string, pid: number, message: string, messageId: string): System {
  return {
    name: "bare ws server (Node)",
    socketUrl: async () => `${url.replace(/^http/, "ws")}/`,
    async write() {
      const id = crypto.randomUUID();
      const sentAt = performance.now();
      const res = await fetch(`${url}/broadcast`, { method: "POST", body: message.replaceAll(messageId, id) });
      const respondedAt = performance.now();
      if (res.status !== 204) throw new Error(`baseline broadcast: ${res.status}`);
      return { id, sentAt, respondedAt };
    },
    // Any name: the group is the baseline's one process (Node names its main thread "MainThread").
    memory: () => sampleMemory(pid, /./),
  };
}
