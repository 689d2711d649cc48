import { migrateDatabase } from "./lib/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (for example postgres://user:pass@host:5432/db).");
  process.exit(1);
}
await migrateDatabase(url);
console.log("migrations applied");
