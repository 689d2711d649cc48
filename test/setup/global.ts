import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";
import { FAKE_TOKENS, startFakeProviders } from "./fakes";

/**
 * One database for the whole run (real PostgreSQL when installed, migrated before any test), a
 * second one for the change-log tests that would disturb the others (pruning, lock demos), a third
 * for the reminder clock's tests (its alarms deliver whatever is due in their database), and fake
 * Telegram, WhatsApp and OpenClaw servers that the Worker's provider base URLs point at.
 */
export default async function setup(project: TestProject) {
  const [database, scratch, clock, fakes] = await Promise.all([
    startTestDatabase(),
    startTestDatabase(),
    startTestDatabase(),
    startFakeProviders(),
  ]);
  await Promise.all([migrateDatabase(database.url), migrateDatabase(scratch.url), migrateDatabase(clock.url)]);
  project.provide("databaseUrl", database.url);
  project.provide("databaseKind", database.kind);
  project.provide("scratchDatabaseUrl", scratch.url);
  project.provide("clockDatabaseUrl", clock.url);
  project.provide("fakes", { urls: fakes.urls, control: fakes.control, tokens: FAKE_TOKENS });
  return async () => {
    await fakes.stop();
    await scratch.stop();
    await clock.stop();
    await database.stop();
  };
}
