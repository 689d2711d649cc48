import type postgres from "postgres";

/** Reminder fixtures by the hundred thousand, shared by the scale test and bench scenario 4. */
export interface BulkReminders {
  taskId: string;
  count: number;
  /** Next attempt of the i-th reminder (i from 1), as a SQL expression over `i`. */
  nextAttemptAt: string;
  channel: "telegram" | "whatsapp" | "ui";
  /** Recipient of the i-th reminder as a SQL expression over `i`, or "null". */
  recipient: string;
}

/**
 * Loads `count` reminders in one INSERT … SELECT generate_series. Fixture rows skip the change-log
 * triggers (`session_replication_role = replica`, for this transaction only; needs a superuser, as the
 * test cluster is) and get sequential ids under a random prefix, which B-trees take far faster than
 * random UUIDs. `created_at` is in 2000, so they sort after everything else in newest-first lists.
 */
export async function loadReminders(sql: postgres.Sql, fixture: BulkReminders): Promise<number> {
  const prefix = crypto.randomUUID().replaceAll("-", "").slice(0, 20);
  const started = Date.now();
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx.unsafe(
      `insert into reminders (id, task_id, channel, recipient, remind_at, next_attempt_at, created_at)
       select ($1 || lpad(to_hex(i), 12, '0'))::uuid, $2::uuid, $3::reminder_channel, ${fixture.recipient},
              ${fixture.nextAttemptAt}, ${fixture.nextAttemptAt}, timestamptz '2000-01-01'
       from generate_series(1, $4::int) as i`,
      [prefix, fixture.taskId, fixture.channel, fixture.count],
    );
  });
  return Date.now() - started;
}

/** Removes fixture reminders without writing a change-log row per row. */
export async function unloadReminders(sql: postgres.Sql, taskIds: string[]) {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from reminders where task_id in ${sql(taskIds)}`;
    await tx`delete from tasks where id in ${sql(taskIds)}`;
  });
}
