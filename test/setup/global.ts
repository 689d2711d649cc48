import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { startTestDatabase } from "../../scripts/lib/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "pglite";
  }
}

/** One database for the whole run: real PostgreSQL when installed, migrated before any test. */
export default async function setup(project: TestProject) {
  const database = await startTestDatabase();
  await migrateDatabase(database.url);
  project.provide("databaseUrl", database.url);
  project.provide("databaseKind", database.kind);
  return () => database.stop();
}
