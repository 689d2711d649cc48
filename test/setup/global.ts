import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";
import { FAKE_TOKENS, startFakeProviders } from "./fakes";

/**
 * One database for the whole run (real PostgreSQL when installed, migrated before any test), and
 * fake Telegram, WhatsApp and OpenClaw servers that the Worker's provider base URLs point at.
 */
export default async function setup(project: TestProject) {
  const [database, fakes] = await Promise.all([startTestDatabase(), startFakeProviders()]);
  await migrateDatabase(database.url);
  project.provide("databaseUrl", database.url);
  project.provide("databaseKind", database.kind);
  project.provide("fakes", { urls: fakes.urls, control: fakes.control, tokens: FAKE_TOKENS });
  return async () => {
    await fakes.stop();
    await database.stop();
  };
}
