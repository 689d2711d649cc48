import type { TestProject } from "vitest/node";
import { buildDashboard } from "../../scripts/lib/dashboard";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";
import { startWranglerDev } from "../../scripts/lib/wrangler.ts";
import { providerVars, startFakeProviders } from "./fakes";

declare module "vitest" {
  export interface ProvidedContext {
    /** Secrets the tests give the Worker (and use themselves to sign and authenticate). */
    testBindings: Record<string, string>;
    /** Origin of the `wrangler dev` the end-to-end tests run against. */
    e2eBaseUrl: string;
    /** Control origin (`/__control/…`) of the fake Telegram that `wrangler dev` delivers to. */
    e2eTelegramControl: string;
  }
}

/**
 * What the browser tests need to see a reminder fail or be missed within seconds: Telegram goes to
 * this set-up's own fake (which a test scripts to refuse one chat), and a reminder is missed 2 minutes late
 * rather than 6 hours (the least the settings allow: late after 60 s, missed after that).
 */
const REMINDER_VARS = { REMINDER_LATE_AFTER_S: "60", REMINDER_MISSED_AFTER_S: "120" };

/**
 * The whole product as `npm run dev` serves it: its own throwaway database, the dashboard built, and
 * `wrangler dev` (API, room, assets in one Worker) on free ports, with fresh Durable Object storage.
 */
export default async function setup(project: TestProject) {
  const [database, fakes] = await Promise.all([startTestDatabase(), startFakeProviders()]);
  const stop = () => Promise.all([database.stop(), fakes.stop()]);
  try {
    await migrateDatabase(database.url);
    await buildDashboard();
    const worker = await startWranglerDev({
      databaseUrl: database.url,
      vars: { ...project.getProvidedContext().testBindings, ...providerVars(fakes), ...REMINDER_VARS },
      flags: ["--log-level=warn"],
    });
    project.provide("e2eBaseUrl", worker.url);
    project.provide("e2eTelegramControl", fakes.control.telegram);
    return async () => {
      await worker.stop();
      await stop();
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
