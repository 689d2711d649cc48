ALTER TABLE "reminders" ADD COLUMN "first_attempt_at" timestamp (3) with time zone;--> statement-breakpoint
-- The claim sets first_attempt_at at a firing's first attempt: bookkeeping like the lease, kept out of
-- the change log's data and, alone, no change (the same triggers as 0016, one more ignored column).
DROP TRIGGER "reminders_record_change" ON "reminders";
--> statement-breakpoint
DROP TRIGGER "reminders_record_update" ON "reminders";
--> statement-breakpoint
CREATE TRIGGER "reminders_record_change" AFTER INSERT OR DELETE ON "reminders"
  FOR EACH ROW EXECUTE FUNCTION "record_change"('reminder', 'lease_until', 'lease_token', 'first_attempt_at');
--> statement-breakpoint
CREATE TRIGGER "reminders_record_update" AFTER UPDATE ON "reminders"
  FOR EACH ROW
  WHEN ((to_jsonb(OLD) - '{lease_until,lease_token,first_attempt_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW) - '{lease_until,lease_token,first_attempt_at}'::text[]))
  EXECUTE FUNCTION "record_change"('reminder', 'lease_until', 'lease_token', 'first_attempt_at');
