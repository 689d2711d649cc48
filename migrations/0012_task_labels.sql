ALTER TABLE "tasks" ADD COLUMN "labels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "label_keys" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_label_keys_idx" ON "tasks" USING gin ("label_keys");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_labels_count" CHECK (cardinality("tasks"."labels") <= 20);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_label_keys_match" CHECK (cardinality("tasks"."label_keys") = cardinality("tasks"."labels"));