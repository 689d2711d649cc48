import { writeFileSync } from "node:fs";
import { migrateDatabase } from "./lib/migrate";
import { startTestDatabase } from "./lib/postgres";
import { startWranglerDev } from "./lib/wrangler.ts";
import { openApiTypes } from "./openapi-typescript/generate.ts";

/** Where the generated types live; client/openapi.ts types its client with them. */
const OPENAPI_TYPES_FILE = new URL("../client/openapi.d.ts", import.meta.url).pathname;

/**
 * `npm run openapi:types`: serves the Worker as the tests do (a throwaway database, `wrangler dev`),
 * reads its /openapi.json and writes client/openapi.d.ts with openapi-typescript. Run it after a
 * change to a route or schema; test/e2e/openapi.test.ts fails while the file is stale.
 */
const database = await startTestDatabase();
try {
  await migrateDatabase(database.url);
  const worker = await startWranglerDev({ databaseUrl: database.url, flags: ["--log-level=warn"] });
  try {
    const document = (await (await fetch(`${worker.url}/openapi.json`)).json()) as object;
    writeFileSync(OPENAPI_TYPES_FILE, await openApiTypes(document));
    console.log(`wrote ${OPENAPI_TYPES_FILE}`);
  } finally {
    await worker.stop();
  }
} finally {
  await database.stop();
}
