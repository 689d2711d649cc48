-- The title search (GET /tasks?q=) matches anywhere in a title, ignoring case: a trigram index
-- serves it. pg_trgm ships with Postgres's contrib modules; PGlite loads it (scripts/lib/postgres.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "tasks_title_trgm_idx" ON "tasks" USING gin ("title" gin_trgm_ops);