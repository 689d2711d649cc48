import { sql } from "drizzle-orm";
import { rowFromDriver } from "../db/rows";
import { type ReminderRow, reminders } from "../db/schema";
import type { Store } from "../services/store";
import type { Outcome } from "./outcome";

export interface Recorded {
  /** The reminders as written, for those whose outcome was recorded. */
  written: ReminderRow[];
  /** Reminders whose claim was gone (snoozed, edited or deleted meanwhile): their outcome is dropped. */
  dropped: string[];
}

/**
 * Writes a batch's outcomes in one statement, each only if the reminder still carries this scan's
 * lease token: a snooze re-arms a reminder and clears the token, so a late outcome cannot overwrite
 * it. Every outcome but `released` bumps the version and leaves a change-log row through the
 * reminders trigger, in this statement's transaction: "delivered" once a reminder is known to be in
 * the chat, "updated" otherwise. `sent` is derived from status, so no failed attempt can ever read
 * as sent, and a CHECK keeps `delivery_state` set exactly while a reminder is sent.
 *
 * What a provider took is written as sent even if its task was completed meanwhile: the message went
 * out (recheck.ts orders it before that completion), and the record says what happened.
 */
export async function recordOutcomes(store: Store, token: string, outcomes: Outcome[]): Promise<Recorded> {
  if (outcomes.length === 0) return { written: [], dropped: [] };
  const rows = outcomes.map((o) => ({
    id: o.id,
    kind: o.kind,
    at: "at" in o ? o.at.toISOString() : null,
    delay_s: "delaySeconds" in o ? o.delaySeconds : null,
    error: "error" in o ? o.error : null,
    delivery: "delivery" in o ? o.delivery : null,
    provider_message_id: "providerMessageId" in o ? o.providerMessageId : null,
  }));
  const { rows: written } = await store.db.execute<Record<string, unknown> & { id: string; txid: string }>(sql`
    update ${reminders} r set
      status = case o.kind when 'sent' then 'sent' when 'failed' then 'failed' when 'skipped' then 'skipped'
               else r.status end,
      sent_at = case when o.kind = 'sent' then o.at else r.sent_at end,
      delivery_state = case when o.kind = 'sent' then o.delivery::delivery_state else r.delivery_state end,
      delivered_at = case when o.kind = 'sent' and o.delivery = 'delivered' then o.at else r.delivered_at end,
      provider_message_id = case when o.kind = 'sent' then o.provider_message_id else r.provider_message_id end,
      attempts = r.attempts + case when o.kind in ('sent', 'retry', 'failed') then 1 else 0 end,
      next_attempt_at = case when o.kind in ('retry', 'waiting') then o.at + make_interval(secs => o.delay_s)
                        else r.next_attempt_at end,
      last_error = case o.kind when 'sent' then null when 'released' then r.last_error else o.error end,
      version = r.version + case when o.kind = 'released' then 0 else 1 end,
      lease_until = null,
      lease_token = null,
      -- Nothing reached a provider yet (the channel unconfigured, or no time left to try): the first
      -- attempt is still to come, and decides the firing's lateness then.
      first_attempt_at = case when o.kind in ('waiting', 'released') and r.attempts = 0 then null
                         else r.first_attempt_at end
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
      as o(id uuid, kind text, at timestamptz, delay_s double precision, error text, delivery text,
           provider_message_id text)
    where r.id = o.id and r.lease_token = ${token}::uuid
    returning r.*, pg_current_xact_id()::text as txid`);
  const [first] = written;
  if (first && outcomes.some((o) => o.kind !== "released")) store.onCommitted(first.txid);
  const kept = new Set(written.map((row) => row.id));
  return {
    written: written.map((row) => rowFromDriver(reminders, row)),
    dropped: outcomes.filter((o) => !kept.has(o.id)).map((o) => o.id),
  };
}
