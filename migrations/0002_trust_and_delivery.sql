CREATE TYPE "public"."reminder_status" AS ENUM('scheduled', 'sent', 'failed');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"owner" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"locked_until" timestamp (3) with time zone NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_owner_key_pk" PRIMARY KEY("owner","key")
);
--> statement-breakpoint
DROP INDEX "reminders_unsent_due_idx";--> statement-breakpoint
ALTER TABLE "reminders" ALTER COLUMN "sent" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "reminders" drop column "sent";--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "recipient" text;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "status" "reminder_status" DEFAULT 'scheduled' NOT NULL;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "sent" boolean GENERATED ALWAYS AS (status = 'sent') STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "sent_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "lease_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "lease_token" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_idx" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reminders_due_idx" ON "reminders" USING btree ("next_attempt_at") WHERE "reminders"."status" = 'scheduled';