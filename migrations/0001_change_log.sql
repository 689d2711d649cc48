-- The change log is written by triggers, in the transaction of the mutation itself, so that every
-- path is recorded: the API's statements, a task's cascaded reminders, an operator's psql session.
INSERT INTO "change_cursor" ("id") VALUES (1) ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION "record_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- TG_ARGV[0] names the entity; further arguments name bookkeeping columns whose changes alone
  -- are not a change a client needs to see.
  ignored text[] := coalesce(TG_ARGV[1:TG_NARGS - 1], '{}');
  change_op text;
  row_data jsonb;
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
    IF (to_jsonb(OLD) - ignored) = (row_data - ignored) THEN
      RETURN NULL;
    END IF;
    change_op := 'updated';
  END IF;

  -- The row lock taken here is held until commit: seqs are handed out in commit order, without gaps.
  UPDATE "change_cursor" SET "last_seq" = "last_seq" + 1 WHERE "id" = 1 RETURNING "last_seq" INTO next_seq;
  INSERT INTO "changes" ("seq", "entity", "op", "entity_id", "data")
  VALUES (next_seq, TG_ARGV[0], change_op, (row_data ->> 'id')::uuid, row_data);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "tasks_record_change" AFTER INSERT OR UPDATE OR DELETE ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "record_change"('task');
--> statement-breakpoint
CREATE TRIGGER "reminders_record_change" AFTER INSERT OR UPDATE OR DELETE ON "reminders"
  FOR EACH ROW EXECUTE FUNCTION "record_change"('reminder');
