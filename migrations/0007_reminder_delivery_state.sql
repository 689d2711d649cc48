CREATE TYPE "public"."delivery_state" AS ENUM('accepted', 'delivered');--> statement-breakpoint
ALTER TYPE "public"."reminder_status" ADD VALUE 'skipped';--> statement-breakpoint
ALTER TYPE "public"."reminder_status" ADD VALUE 'missed';--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "delivery_state" "delivery_state";--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "delivered_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "provider_message_id" text;--> statement-breakpoint
CREATE INDEX "reminders_accepted_created_idx" ON "reminders" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "reminders"."delivery_state" = 'accepted';--> statement-breakpoint
CREATE INDEX "reminders_unsent_idx" ON "reminders" USING btree ("remind_at") WHERE "reminders"."status" <> 'scheduled' and "reminders"."status" <> 'sent';--> statement-breakpoint
-- Reminders sent before delivery state was kept were taken by a provider, and nothing confirmed more.
-- The backfill states what was already true of them, so it is kept out of the change log.
ALTER TABLE "reminders" DISABLE TRIGGER "reminders_record_change";--> statement-breakpoint
UPDATE "reminders" SET "delivery_state" = 'accepted' WHERE "status" = 'sent';--> statement-breakpoint
ALTER TABLE "reminders" ENABLE TRIGGER "reminders_record_change";--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_sent_has_delivery_state" CHECK (("reminders"."delivery_state" is not null) = ("reminders"."status" = 'sent'));--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_delivered_has_time" CHECK (("reminders"."delivered_at" is not null) = ("reminders"."delivery_state" is not distinct from 'delivered'));