import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createApiClient, unwrap } from "../../client/api";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { type RunningDatabase, startTestDatabase } from "../../scripts/lib/postgres";
import { type RunningWorker, startWranglerDev } from "../../scripts/lib/wrangler.ts";
import { providerVars } from "../setup/fakes.ts";

const ADMIN_TOKEN = "test-admin-token-not-a-secret";

/** Its own database: the clock delivers whatever is due in it. */
let database: RunningDatabase;
let worker: RunningWorker;
beforeAll(async () => {
  database = await startTestDatabase();
  await migrateDatabase(database.url);
  worker = await startWranglerDev({
    databaseUrl: database.url,
    vars: { ADMIN_TOKEN, ...providerVars(inject("fakes")) },
  });
});
afterAll(async () => {
  await worker?.stop();
  await database?.stop();
});

it("under wrangler dev, delivers a reminder due in 5 s within 2 s of its time, with nothing triggered by hand", async () => {
  const fakes = inject("fakes");
  const api = createApiClient(worker.url, ADMIN_TOKEN);
  const chat = `-100${Math.floor(1e9 + Math.random() * 9e9)}`;
  const task = await unwrap(api.tasks.$post({ json: { title: `On the second ${crypto.randomUUID()}` } }));
  const due = Date.now() + 5000;
  await unwrap(
    api.reminders.$post({
      json: { task_id: task.id, remind_at: new Date(due).toISOString(), channel: "telegram", recipient: chat },
    }),
  );

  let deliveredAt: number | undefined;
  while (Date.now() < due + 10_000 && deliveredAt === undefined) {
    const calls = (await (await fetch(`${fakes.control.telegram}/__control/received?to=${chat}`)).json()) as {
      received: unknown[];
    };
    if (calls.received.length > 0) deliveredAt = Date.now();
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (deliveredAt === undefined) console.error(worker.output());
  expect(deliveredAt).toBeDefined();
  expect(deliveredAt!).toBeGreaterThanOrEqual(due);
  expect(deliveredAt! - due).toBeLessThanOrEqual(2000);
});
