import type { TestProject } from "vitest/node";
import { buildDashboard } from "../../scripts/lib/dashboard";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";
import { startWranglerDev } from "../../scripts/lib/wrangler.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Secrets the tests give the Worker (and use themselves to sign and authenticate). */
    testBindings: Record<string, string>;
    /** Origin of the `wrangler dev` the end-to-end tests run against. */
    e2eBaseUrl: string;
  }
}

/**
 * The whole product as `npm run dev` serves it: its own throwaway database, the dashboard built, and
 * `wrangler dev` (API, room, assets in one Worker) on free ports, with fresh Durable Object storage.
 */
export default async function setup(project: TestProject) {
  const database = await startTestDatabase();
  try {
    await migrateDatabase(database.url);
    await buildDashboard();
    const worker = await startWranglerDev({
      databaseUrl: database.url,
      vars: project.getProvidedContext().testBindings,
      flags: ["--log-level=warn"],
    });
    project.provide("e2eBaseUrl", worker.url);
    return async () => {
      await worker.stop();
      await database.stop();
    };
  } catch (err) {
    await database.stop();
    throw err;
  }
}
