ALTER TYPE "public"."reminder_channel" ADD VALUE 'webhook';--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"seq" bigint,
	"payload" text NOT NULL,
	"outcome" text NOT NULL,
	"response_status" integer,
	"duration_ms" integer NOT NULL,
	"response_body" text,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"description" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret_sealed" text NOT NULL,
	"cursor_seq" bigint NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"disabled_reason" text,
	"lease_until" timestamp (3) with time zone,
	"lease_token" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "webhook_subscriptions_url_length" CHECK (char_length("webhook_subscriptions"."url") between 1 and 2048),
	CONSTRAINT "webhook_subscriptions_events_count" CHECK (cardinality("webhook_subscriptions"."events") between 1 and 32)
);
--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "event" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."webhook_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_subscription_idx" ON "webhook_deliveries" USING btree ("subscription_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "webhook_deliveries_created_idx" ON "webhook_deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "webhook_subscriptions_created_idx" ON "webhook_subscriptions" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
-- Each change also names its webhook event: only the trigger sees the row before and after, so it
-- tells a completion, a failure or a miss from an ordinary update. Otherwise the function of 0008.
CREATE OR REPLACE FUNCTION "record_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- TG_ARGV[0] names the entity; further arguments name bookkeeping columns whose changes alone
  -- are not a change a client needs to see.
  ignored text[] := coalesce(TG_ARGV[1:TG_NARGS - 1], '{}');
  change_op text;
  change_event text;
  row_data jsonb;
  old_data jsonb;
  next_seq bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    change_op := 'deleted';
    row_data := to_jsonb(OLD);
  ELSIF TG_OP = 'INSERT' THEN
    change_op := 'created';
    row_data := to_jsonb(NEW);
  ELSE
    row_data := to_jsonb(NEW);
    old_data := to_jsonb(OLD);
    IF (old_data - ignored) = (row_data - ignored) THEN
      RETURN NULL;
    END IF;
    change_op := CASE
      WHEN TG_ARGV[0] = 'reminder' AND row_data ->> 'delivery_state' = 'delivered'
        AND old_data ->> 'delivery_state' IS DISTINCT FROM 'delivered'
        THEN 'delivered'
      ELSE 'updated'
    END;
  END IF;

  change_event := TG_ARGV[0] || '.' || change_op;
  IF change_op = 'updated' AND TG_ARGV[0] = 'task' THEN
    -- A one-off task completes when its status becomes completed; a recurring one when it advances
    -- to its next occurrence (it stays pending).
    IF (row_data ->> 'status' = 'completed' AND old_data ->> 'status' IS DISTINCT FROM 'completed')
      OR (row_data ->> 'occurrence')::int > (old_data ->> 'occurrence')::int THEN
      change_event := 'task.completed';
    END IF;
  ELSIF change_op = 'updated' AND TG_ARGV[0] = 'reminder'
    AND row_data ->> 'status' IN ('failed', 'missed')
    AND old_data ->> 'status' IS DISTINCT FROM row_data ->> 'status' THEN
    change_event := 'reminder.' || (row_data ->> 'status');
  END IF;

  -- A reminder is shown with its task's time zone, as the REST API shows it; captured now, so the
  -- change keeps it after the task is gone (null when the task is deleted in the same statement).
  IF TG_ARGV[0] = 'reminder' THEN
    row_data := row_data || jsonb_build_object(
      'timezone', (SELECT "timezone" FROM "tasks" WHERE "id" = (row_data ->> 'task_id')::uuid));
  END IF;

  -- The row lock taken here is held until commit: seqs are handed out in commit order, without gaps.
  UPDATE "change_cursor" SET "last_seq" = "last_seq" + 1 WHERE "id" = 1 RETURNING "last_seq" INTO next_seq;
  INSERT INTO "changes" ("seq", "entity", "op", "entity_id", "data", "event")
  VALUES (next_seq, TG_ARGV[0], change_op, (row_data ->> 'id')::uuid, row_data - ignored, change_event);
  RETURN NULL;
END;
$$;
