import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./worker/db/schema/index.ts",
  out: "./migrations",
  strict: true,
  dbCredentials: { url: process.env.DATABASE_URL ?? "" },
});
