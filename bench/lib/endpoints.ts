import { seededTaskId } from "./stack.ts";

/** One request the bench sends; `i` makes each one distinct (ids, titles) where the endpoint needs it. */
export interface Endpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path(i: number): string;
  body?(i: number): unknown;
  /** Expected status; anything else aborts the scenario (a benchmark of errors measures nothing). */
  status: number;
}

/** Tasks the bench seeds; GET and PATCH address them at random, DELETE consumes ids above them. */
export const SEEDED = 1000;
/** DELETE takes its victims from ids SEEDED and up, seeded for the purpose. */
export const deletable = (i: number) => seededTaskId(SEEDED + i);

const later = () => new Date(Date.now() + 86_400_000).toISOString();

export const ENDPOINTS = {
  getTask: { name: "GET /tasks/{id}", method: "GET", path: (i) => `/tasks/${seededTaskId(i % SEEDED)}`, status: 200 },
  listTasks: {
    name: "GET /tasks?status=pending&limit=50",
    method: "GET",
    path: () => "/tasks?status=pending&limit=50",
    status: 200,
  },
  createTask: {
    name: "POST /tasks",
    method: "POST",
    path: () => "/tasks",
    body: (i) => ({ title: `Bench task ${i}`, description: "Created by the benchmark", source: "telegram" }),
    status: 201,
  },
  patchTask: {
    name: "PATCH /tasks/{id}",
    method: "PATCH",
    path: (i) => `/tasks/${seededTaskId(i % SEEDED)}`,
    body: (i) => ({ description: `Edited by the benchmark (${i})` }),
    status: 200,
  },
  deleteTask: { name: "DELETE /tasks/{id}", method: "DELETE", path: (i) => `/tasks/${deletable(i)}`, status: 204 },
  createReminder: {
    name: "POST /reminders",
    method: "POST",
    path: () => "/reminders",
    body: (i) => ({ task_id: seededTaskId(i % SEEDED), remind_at: later(), channel: "ui" }),
    status: 201,
  },
  changes: { name: "GET /changes?since=…", method: "GET", path: () => "/changes?since=0&limit=50", status: 200 },
} satisfies Record<string, Endpoint>;

/** Sends one request and returns its latency in ms; throws on an unexpected status. */
export async function send(
  baseUrl: string,
  endpoint: Endpoint,
  i: number,
  headers: Record<string, string>,
): Promise<number> {
  const body = endpoint.body?.(i);
  const started = performance.now();
  const res = await fetch(`${baseUrl}${endpoint.path(i)}`, {
    method: endpoint.method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (res.status !== endpoint.status) {
    throw new Error(`${endpoint.name}: expected ${endpoint.status}, got ${res.status}`);
  }
  return elapsed;
}
