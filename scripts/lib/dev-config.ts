import { existsSync } from "node:fs";

/** The fake ADMIN_TOKEN that .env.example ships with; never acceptable in production. */
export const EXAMPLE_ADMIN_TOKEN = "dev-admin-token-CHANGE-ME";

/** Reads `.env` once (wrangler reads it too, for the Worker's variables and secrets). */
export function loadDotEnv() {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

export const devDatabasePort = () => Number(process.env.DEV_DB_PORT ?? 54329);

/** DATABASE_URL when set, else the embedded database that `npm run dev` serves. */
export function devDatabaseUrl() {
  loadDotEnv();
  return process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${devDatabasePort()}/postgres`;
}

/** Production mode, as `NODE_ENV=production` or `ENVIRONMENT=production` says. */
export const isProductionMode = () => process.env.NODE_ENV === "production" || process.env.ENVIRONMENT === "production";
