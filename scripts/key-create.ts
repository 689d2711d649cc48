import { parseArgs } from "node:util";
import { createDatabase } from "../worker/db/client";
import { API_SCOPES, type ApiScope } from "../worker/db/schema";
import { createApiKey } from "../worker/services/api-keys";
import { settingsOf } from "../worker/settings/index.ts";
import { devDatabaseUrl } from "./lib/dev-config";

const usage = `usage: npm run key:create -- --name <name> --scopes <scope,scope,…>
scopes: ${API_SCOPES.join(", ")}
database: DATABASE_URL, else the running \`npm run dev\` database`;

const { values } = parseArgs({ options: { name: { type: "string" }, scopes: { type: "string" } } });
const scopes = (values.scopes ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
if (!values.name?.trim() || scopes.length === 0 || unknown.length) {
  if (unknown.length) console.error(`unknown scope(s): ${unknown.join(", ")}`);
  console.error(usage);
  process.exit(2);
}

const { db, close } = createDatabase(devDatabaseUrl());
try {
  // Key creation writes no change-log row, so nothing is published.
  const store = { db, time: settingsOf({}).time, onCommitted: () => {} };
  const key = await createApiKey(store, { name: values.name.trim(), scopes: scopes as ApiScope[] });
  console.log(`created key ${key.id} (${key.name}) with scopes ${key.scopes.join(", ")}`);
  console.log("the key is shown once, store it now:");
  console.log(key.key);
} finally {
  await close();
}
