-- Attachments in the change log (issue #20: every new resource in /changes, the room and webhooks).
-- An attachment is never updated (its bytes and name are fixed once stored), so only its creation
-- and its deletion are recorded; a task's deletion cascades to its attachments, and each is recorded.
CREATE TRIGGER "attachments_record_change" AFTER INSERT OR DELETE ON "attachments"
  FOR EACH ROW EXECUTE FUNCTION "record_change"('attachment');
