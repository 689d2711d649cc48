import { sql } from "drizzle-orm";
import { reminders } from "../../db/schema";
import type { Store } from "../../services/store";
import { closeWindow } from "../../services/whatsapp-window";
import type { ScanConfig } from "../../settings/scan";
import { OUTSIDE_WINDOW, TRANSIENT_CODES } from "./codes";

/**
 * A status object of Meta's `messages` webhook
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#statuses-object): what became
 * of a message we sent, named by its id.
 */
export interface StatusUpdate {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  recipient_id?: unknown;
  errors?: { code?: unknown; title?: unknown; message?: unknown; error_data?: { details?: unknown } }[];
}

/** A webhook's `timestamp` as an instant. */
export const instantOf = (timestamp: unknown, now: Date) => {
  const seconds = Number(timestamp);
  // Meta's timestamps are Unix seconds; anything else, or a time in the future, counts as now.
  return Number.isFinite(seconds) && seconds > 0 && seconds * 1000 <= now.getTime() ? new Date(seconds * 1000) : now;
};

/** Only the reminders we sent on WhatsApp and that wait for word: accepted, not yet confirmed or failed. */
const accepted = (id: string) =>
  sql`${reminders.provider_message_id} = ${id} and ${reminders.channel} = 'whatsapp'
    and ${reminders.status} = 'sent' and ${reminders.delivery_state} = 'accepted'`;

function errorText(status: StatusUpdate) {
  const [error] = Array.isArray(status.errors) ? status.errors : [];
  const code = typeof error?.code === "number" ? error.code : undefined;
  const words = [error?.title, error?.message, error?.error_data?.details].filter((w) => typeof w === "string");
  return { code, text: `${words[0] ?? "failed"} (code ${code ?? "unknown"})`.slice(0, 500) };
}

/**
 * Applies one status to the reminder whose message it names, as one conditional UPDATE (the
 * change-log trigger records it):
 * - `delivered` or `read`: the message reached the phone, so the reminder is `delivered`, at the
 *   status's time. `sent` says only that Meta sent it on, which `accepted` already says.
 * - `failed` with 131047 (the user's window had closed): with a template configured, the reminder is
 *   re-armed at once and the window forgotten, so the next attempt sends the template; without one
 *   it fails, saying what to configure.
 * - `failed` with a transient code: re-armed after the first retry delay, counting the attempt.
 * - any other `failed`: failed for good, with Meta's code and words.
 * A status naming no reminder of ours, or one already settled, changes nothing.
 */
export async function applyStatus(store: Store, config: ScanConfig, status: StatusUpdate, now = new Date()) {
  if (typeof status.id !== "string" || status.id.length > 256) return;
  const at = instantOf(status.timestamp, now);
  let set: ReturnType<typeof sql> | undefined;
  if (status.status === "delivered" || status.status === "read") {
    set = sql`delivery_state = 'delivered', delivered_at = ${at.toISOString()}::timestamptz`;
  } else if (status.status === "failed") {
    const { code, text } = errorText(status);
    // Re-armed: a scheduled reminder has no delivery state, and the failed message's id is no longer its own.
    const retry = (delaySeconds: number, why: string, status = sql`'scheduled'::reminder_status`) =>
      sql`status = ${status}, delivery_state = null, sent_at = null, provider_message_id = null,
        next_attempt_at = now() + make_interval(secs => ${delaySeconds}), last_error = ${`${text}; ${why}`}`;
    const fail = (why: string) =>
      sql`status = 'failed', delivery_state = null, sent_at = null, last_error = ${why ? `${text}; ${why}` : text}`;
    if (code === OUTSIDE_WINDOW) {
      if (typeof status.recipient_id === "string") await closeWindow(store, { waId: status.recipient_id, at });
      set = config.whatsapp?.template
        ? retry(0, "outside the 24-hour window: retrying with the template")
        : fail("set WHATSAPP_TEMPLATE_NAME to an approved template to reach people outside the window");
    } else if (code !== undefined && TRANSIENT_CODES.has(code)) {
      // Counted as an attempt, like a transient answer to the send call: past SCAN_MAX_ATTEMPTS it fails.
      const status = sql`case when ${reminders.attempts} + 1 >= ${config.maxAttempts} then 'failed'::reminder_status
        else 'scheduled'::reminder_status end`;
      set = sql`${retry(config.retryBaseSeconds, "transient: tried again until SCAN_MAX_ATTEMPTS", status)}, attempts = ${reminders.attempts} + 1`;
    } else {
      set = fail("");
    }
  }
  if (!set) return;
  const { rows } = await store.db.execute<{ txid: string }>(sql`
    update ${reminders} set ${set}, version = ${reminders.version} + 1
    where ${accepted(status.id)}
    returning pg_current_xact_id()::text as txid`);
  if (rows[0]) store.onCommitted(rows[0].txid);
}
