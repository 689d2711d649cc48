import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "pglite";
    /** A second migrated database for tests that need the whole change log to themselves (pruning, lock demos). */
    scratchDatabaseUrl: string;
  }
}

/** One database for the whole run: real PostgreSQL when installed, migrated before any test. */
export default async function setup(project: TestProject) {
  const database = await startTestDatabase();
  await migrateDatabase(database.url);
  const scratch = await startTestDatabase();
  await migrateDatabase(scratch.url);
  project.provide("databaseUrl", database.url);
  project.provide("databaseKind", database.kind);
  project.provide("scratchDatabaseUrl", scratch.url);
  return async () => {
    await scratch.stop();
    await database.stop();
  };
}
