-- Issue #21: a scan's claim of a reminder it will deliver changes only the lease columns, which
-- record_change ignores; but calling it cost every claimed row a PL/pgSQL call and two to_jsonb.
-- Updates now pass a WHEN clause first (evaluated by the executor, no function call), so a
-- lease-only update never reaches the function. Inserts and deletes record as before; the
-- function itself is unchanged, so an update that gets through is recorded exactly as before.
DROP TRIGGER "reminders_record_change" ON "reminders";
--> statement-breakpoint
CREATE TRIGGER "reminders_record_change" AFTER INSERT OR DELETE ON "reminders"
  FOR EACH ROW EXECUTE FUNCTION "record_change"('reminder', 'lease_until', 'lease_token');
--> statement-breakpoint
CREATE TRIGGER "reminders_record_update" AFTER UPDATE ON "reminders"
  FOR EACH ROW
  WHEN ((to_jsonb(OLD) - '{lease_until,lease_token}'::text[]) IS DISTINCT FROM (to_jsonb(NEW) - '{lease_until,lease_token}'::text[]))
  EXECUTE FUNCTION "record_change"('reminder', 'lease_until', 'lease_token');
