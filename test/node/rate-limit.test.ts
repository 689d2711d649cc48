import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, unwrap } from "../../client/api";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startTestDatabase } from "../../scripts/lib/postgres";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";

const ADMIN = "e2e-admin-token";
let database: RunningDatabase;
let worker: RunningWorker;

beforeAll(async () => {
  database = await startTestDatabase();
  await migrateDatabase(database.url);
  worker = await startWranglerDev({ databaseUrl: database.url, vars: { ADMIN_TOKEN: ADMIN } });
});
afterAll(async () => {
  await worker?.stop();
  await database?.stop();
});

describe("rate limit under wrangler dev (the binding from wrangler.toml: 300 per 60 s per key)", () => {
  it("refuses the 301st request of a key within a minute with 429 and Retry-After, other keys unaffected", async () => {
    const admin = createApiClient(worker.url, ADMIN);
    const make = async (name: string) =>
      `Bearer ${(await unwrap(admin["api-keys"].$post({ json: { name, scopes: ["tasks:read"] } }))).key}`;
    const busy = await make("busy");
    const quiet = await make("quiet");
    // The simulation's windows are aligned to the wall clock (minute boundaries): start in a fresh
    // one, and send in small concurrent batches, so all 310 requests fall within one window.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 100));
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let sent = 0; sent < 310 && !refused; sent += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, () => fetch(`${worker.url}/tasks?limit=1`, { headers: { authorization: busy } })),
      );
      for (const res of batch) {
        statuses.push(res.status);
        if (res.status === 429 && !refused) refused = res;
        else await res.arrayBuffer();
      }
    }
    expect(refused, `statuses: ${[...new Set(statuses)]}`).toBeDefined();
    // The window is fixed, not sliding: a window boundary mid-loop can let a few more through.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(300);
    expect(refused!.headers.get("retry-after")).toBe("60");
    expect(refused!.headers.get("content-type")).toBe("application/problem+json");
    expect(((await refused!.json()) as { status: number }).status).toBe(429);
    expect((await fetch(`${worker.url}/tasks?limit=1`, { headers: { authorization: quiet } })).status).toBe(200);
  });

  it("logs one JSON line per request, with the key's id and never a key or token", async () => {
    const output = worker.output();
    const lines = output.split("\n").filter((l) => l.includes('"msg":"request"'));
    expect(lines.length).toBeGreaterThan(300);
    const logged = lines.map((l) => JSON.parse(l.slice(l.indexOf("{"))) as Record<string, unknown>);
    // Lines reach wrangler's output in the order the requests finished logging, not in the order they
    // were answered, so the quiet key's 200 need not come after the busy key's last 429s.
    const line = logged.findLast((l) => l.status === 200)!;
    expect(line).toMatchObject({ level: "info", method: "GET", path: "/tasks", status: 200 });
    expect(line.request_id).toBeTruthy();
    expect(line.key_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(output).not.toContain(ADMIN);
    expect(output).not.toMatch(/ocs_[A-Za-z0-9_-]{43}/);
  });
});
