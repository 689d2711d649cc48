-- Rows written before the instant range existed (worker/db/instant-range.ts) are repaired first, in
-- the open, so the constraints below can hold: the change-log triggers record each repair.
-- A task whose due lies outside the range loses the due (and its series); its relative reminders
-- become absolute at the time they had.
UPDATE "tasks" SET "due_time" = NULL, "due_date" = NULL, "reminder_anchor" = NULL, "rrule" = NULL, "occurrence" = NULL, "occurrence_local" = NULL, "updated_at" = now(), "version" = "version" + 1
WHERE "due_time" NOT BETWEEN '1970-01-01T00:00:00Z'::timestamptz AND '9999-12-31T23:59:59.999Z'::timestamptz
   OR "due_date" NOT BETWEEN '1970-01-02'::date AND '9999-12-30'::date
   OR "reminder_anchor" NOT BETWEEN '1970-01-01T00:00:00Z'::timestamptz AND '9999-12-31T23:59:59.999Z'::timestamptz;--> statement-breakpoint
UPDATE "reminders" SET "offset_minutes" = NULL, "version" = "version" + 1
WHERE "offset_minutes" IS NOT NULL AND "task_id" IN (SELECT "id" FROM "tasks" WHERE "reminder_anchor" IS NULL);--> statement-breakpoint
-- A reminder whose time lies outside the range could never fire: it fails, saying why, at the
-- nearest end of the range.
UPDATE "reminders" SET
  "remind_at" = least(greatest("remind_at", '1970-01-01T00:00:00Z'::timestamptz), '9999-12-31T23:59:59.999Z'::timestamptz),
  "next_attempt_at" = least(greatest("next_attempt_at", '1970-01-01T00:00:00Z'::timestamptz), '9999-12-31T23:59:59.999Z'::timestamptz),
  "offset_minutes" = NULL, "status" = 'failed', "delivery_state" = NULL, "delivered_at" = NULL,
  "lease_until" = NULL, "lease_token" = NULL, "version" = "version" + 1,
  "last_error" = 'Its time lay outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, so it could not fire; set a new remind_at.'
WHERE "remind_at" NOT BETWEEN '1970-01-01T00:00:00Z'::timestamptz AND '9999-12-31T23:59:59.999Z'::timestamptz
   OR "next_attempt_at" NOT BETWEEN '1970-01-01T00:00:00Z'::timestamptz AND '9999-12-31T23:59:59.999Z'::timestamptz;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_remind_at_range" CHECK ("reminders"."remind_at" between '1970-01-01T00:00:00Z'::timestamptz and '9999-12-31T23:59:59.999Z'::timestamptz);--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_next_attempt_at_range" CHECK ("reminders"."next_attempt_at" between '1970-01-01T00:00:00Z'::timestamptz and '9999-12-31T23:59:59.999Z'::timestamptz);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_due_time_range" CHECK ("tasks"."due_time" between '1970-01-01T00:00:00Z'::timestamptz and '9999-12-31T23:59:59.999Z'::timestamptz);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_due_date_range" CHECK ("tasks"."due_date" between '1970-01-02'::date and '9999-12-30'::date);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_reminder_anchor_range" CHECK ("tasks"."reminder_anchor" between '1970-01-01T00:00:00Z'::timestamptz and '9999-12-31T23:59:59.999Z'::timestamptz);