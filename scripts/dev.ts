import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync } from "node:fs";
import { buildDashboard } from "./lib/dashboard";
import { devDatabasePort, EXAMPLE_ADMIN_TOKEN, isProductionMode, loadDotEnv } from "./lib/dev-config";
import { migrateDatabase } from "./lib/migrate";
import { type RunningDatabase, startEmbeddedPostgres } from "./lib/postgres";

if (!existsSync(".env")) {
  copyFileSync(".env.example", ".env");
  console.log("config    created .env from .env.example (edit it to configure channels and secrets)");
}
loadDotEnv();
if (isProductionMode() && process.env.ADMIN_TOKEN === EXAMPLE_ADMIN_TOKEN) {
  console.error(
    "Refusing to start in production mode with the example ADMIN_TOKEN from .env.example; set a real secret.",
  );
  process.exit(1);
}
if (!process.env.ADMIN_TOKEN) {
  console.warn("ADMIN_TOKEN is not set: only API keys will authenticate (copy .env.example to .env for a dev token).");
}

const port = process.env.PORT ?? "8787";
const external = process.env.DATABASE_URL;

let database: RunningDatabase | undefined;
if (external) {
  console.log(`database  ${redact(external)} (DATABASE_URL)`);
} else {
  database = await startEmbeddedPostgres({ dataDir: ".data/pglite", port: devDatabasePort() });
  console.log(`database  embedded PGlite, data in .data/pglite, listening on ${redact(database.url)}`);
}
const url = external ?? database!.url;
await migrateDatabase(url);
console.log("database  migrations applied");

await buildDashboard();
console.log("dashboard built (dashboard/public/assets/app.js; rerun `npm run build:dashboard` after editing it)");

// The room's tokens need a signing secret; a throwaway one per run is enough locally.
const realtimeSecret = process.env.REALTIME_SECRET ?? randomBytes(32).toString("hex");
const wrangler = spawn(
  "wrangler",
  [
    "dev",
    ...["--port", port, "--ip", "127.0.0.1", "--test-scheduled"],
    ...["--var", `REALTIME_SECRET:${realtimeSecret}`],
    // Webhook receivers on this machine (n8n, a local OpenClaw gateway) over plain http; production keeps https.
    ...["--var", `WEBHOOKS_ALLOW_HTTP:${process.env.WEBHOOKS_ALLOW_HTTP ?? "true"}`],
  ],
  {
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url },
  },
);
console.log(`api       http://127.0.0.1:${port}  (docs at /docs, OpenAPI at /openapi.json, health at /health)`);
console.log(`dashboard http://127.0.0.1:${port}/  (live over the room at /parties/main/default)`);
if (process.env.ADMIN_TOKEN)
  console.log(`admin     Authorization: Bearer ${process.env.ADMIN_TOKEN}  (ADMIN_TOKEN in .env)`);
console.log("reminders live: the reminder clock fires each on its second; the cron runs every minute as in production");
console.log("stop      Ctrl-C stops the Worker and the database");

// `wrangler dev --test-scheduled` runs the cron only when asked, so ask once a minute, on the minute,
// as Cloudflare would: pruning and the clock's safety net then run locally too.
const runCron = () => fetch(`http://127.0.0.1:${port}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => {});
let cron: ReturnType<typeof setInterval> | undefined;
const firstMinute = setTimeout(
  () => {
    void runCron();
    cron = setInterval(runCron, 60_000);
  },
  60_000 - (Date.now() % 60_000),
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  clearTimeout(firstMinute);
  clearInterval(cron);
  wrangler.kill("SIGINT");
  await database?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 0));

function redact(connection: string) {
  return connection.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
