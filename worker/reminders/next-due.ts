import { sql } from "drizzle-orm";
import { reminders } from "../db/schema";
import type { Store } from "../services/store";

/**
 * When the next armed reminder falls due: the first entry of `reminders_due_idx` that no scan holds
 * a lease on. Leased ones are passed over: the scan holding them records their next attempt, which
 * nudges the clock, and a scan that died leaves them to the cron once its lease runs out.
 */
export async function nextDueAt(store: Store, now: Date): Promise<Date | undefined> {
  const { rows } = await store.db.execute<{ at: string | Date }>(sql`
    select ${reminders.next_attempt_at} as at from ${reminders}
    where ${reminders.status} = 'scheduled'
      and (${reminders.lease_until} is null or ${reminders.lease_until} < ${now.toISOString()}::timestamptz)
    order by ${reminders.next_attempt_at}
    limit 1`);
  return rows[0] ? new Date(rows[0].at) : undefined;
}
