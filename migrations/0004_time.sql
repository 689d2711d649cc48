CREATE TABLE "task_completions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"occurrence" integer,
	"due_time" timestamp (3) with time zone,
	"due_date" date,
	"timezone" text NOT NULL,
	"completed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "offset_minutes" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "due_date" date;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "all_day" boolean GENERATED ALWAYS AS (due_date is not null) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "timezone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "rrule" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "occurrence" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "occurrence_local" timestamp(0);--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "reminder_anchor" timestamp (3) with time zone;--> statement-breakpoint
-- Existing tasks are timed, in UTC: relative reminders count from their due_time. The backfill
-- touches only bookkeeping that clients never see, so it is kept out of the change log.
ALTER TABLE "tasks" DISABLE TRIGGER "tasks_record_change";--> statement-breakpoint
UPDATE "tasks" SET "reminder_anchor" = "due_time" WHERE "due_time" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ENABLE TRIGGER "tasks_record_change";--> statement-breakpoint
ALTER TABLE "task_completions" ADD CONSTRAINT "task_completions_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_completions_task_idx" ON "task_completions" USING btree ("task_id","completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_offset_range" CHECK ("reminders"."offset_minutes" between -527040 and 527040);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_all_day_has_time" CHECK ("tasks"."due_date" is null or "tasks"."due_time" is not null);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_anchor_follows_due" CHECK (("tasks"."reminder_anchor" is null) = ("tasks"."due_time" is null));--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_series_has_position" CHECK ("tasks"."rrule" is null or ("tasks"."due_time" is not null and "tasks"."occurrence" >= 1 and "tasks"."occurrence_local" is not null));