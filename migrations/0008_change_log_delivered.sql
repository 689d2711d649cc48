-- A reminder's change is recorded as 'delivered' when it becomes known to be in the chat
-- (delivery_state 'delivered'), no longer when a provider merely took it (status 'sent'): a gateway's
-- or WhatsApp's acceptance is an 'updated'. Otherwise the same function as in 0005.
CREATE OR REPLACE FUNCTION "record_change"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    change_op := CASE
      WHEN TG_ARGV[0] = 'reminder' AND row_data ->> 'delivery_state' = 'delivered'
        AND to_jsonb(OLD) ->> 'delivery_state' IS DISTINCT FROM 'delivered'
        THEN 'delivered'
      ELSE 'updated'
    END;
  END IF;

  -- A reminder is shown with its task's time zone, as the REST API shows it; captured now, so the
  -- change keeps it after the task is gone (null when the task is deleted in the same statement).
  IF TG_ARGV[0] = 'reminder' THEN
    row_data := row_data || jsonb_build_object(
      'timezone', (SELECT "timezone" FROM "tasks" WHERE "id" = (row_data ->> 'task_id')::uuid));
  END IF;

  -- The row lock taken here is held until commit: seqs are handed out in commit order, without gaps.
  UPDATE "change_cursor" SET "last_seq" = "last_seq" + 1 WHERE "id" = 1 RETURNING "last_seq" INTO next_seq;
  INSERT INTO "changes" ("seq", "entity", "op", "entity_id", "data")
  VALUES (next_seq, TG_ARGV[0], change_op, (row_data ->> 'id')::uuid, row_data - ignored);
  RETURN NULL;
END;
$$;
