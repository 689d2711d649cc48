import type { ReminderNoticeEvent } from "../../party/protocol";
import type { Store } from "../services/store";
import type { ScanConfig } from "../settings/scan";
import type { Channels } from "./channels";
import { type Channel, type DeliveryResult, transient } from "./channels/channel";
import { claimDueReminders, type DueReminder } from "./claim";
import { reminderNotice } from "./notices";
import { decideOutcome, type Outcome } from "./outcome";
import { type Recheck, recheckBeforeSending } from "./recheck";
import { recordOutcomes } from "./record";

export interface ScanOptions {
  /** Deliver what is due by this instant (the cron's scheduled time); defaults to the clock's now. */
  dueBy?: Date;
  /** The scan's clock for leases, lateness, backoff and `sent_at`; tests move it to step through retries. */
  clock?: () => Date;
  random?: () => number;
  /** Only these tasks' reminders (see `ClaimOptions.taskIds`). */
  taskIds?: string[];
  /** Called, once its record has committed, for each reminder that failed for good or was missed. */
  onNotice?: (notice: ReminderNoticeEvent) => void;
}

export interface ScanReport {
  batches: number;
  claimed: number;
  /** Taken by a provider (`accepted` or `delivered`). */
  sent: number;
  /** Of those, known to be in the chat. */
  delivered: number;
  retrying: number;
  failed: number;
  /** Not attempted because their channel is not configured. */
  waiting: number;
  /** Not sent because their task was no longer pending (at the claim, or just before the call). */
  skipped: number;
  /** Not sent because the scan reached them more than REMINDER_MISSED_AFTER_S after their time. */
  missed: number;
  /** Claimed but handed back untried because the budget ran out. */
  released: number;
  /** Outcomes dropped because the reminder was snoozed, edited or deleted during delivery. */
  dropped: number;
  stoppedBy: "nothing due" | "budget" | "max per run";
  elapsedMs: number;
}
/** A delivery starts only with at least this much of the budget left (less if the provider timeout is shorter). */
const START_WINDOW_MS = 1000;

/**
 * One provider call under a timeout. The timer is cleared as soon as the call settles:
 * `AbortSignal.timeout` cannot be cancelled, and workerd allows 10,000 live timers per invocation,
 * so a fast run (bench scenario 4: ~17,000 deliveries in 25 s under a 10 s timeout) ran out of them.
 */
async function attempt(channel: Channel, reminder: DueReminder, timeoutMs: number): Promise<DeliveryResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("provider timeout", "TimeoutError")), timeoutMs);
  try {
    return await channel.deliver(reminder, controller.signal);
  } catch (err) {
    // A bug in one adapter must not sink the batch: keep the reminder and retry it like an outage.
    return transient(`unexpected error: ${(err as Error).message ?? String(err)}`.slice(0, 500));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Delivers due reminders until none is left, the time budget is spent, or the per-run cap is
 * reached: claim a batch (one statement, which also settles reminders of finished tasks and missed
 * ones), then for each reminder look once more at its task (one statement) and call its provider (no
 * transaction open), record the outcomes (one statement), repeat. A provider call may take no longer
 * than the budget has left, and none starts in the budget's last second; what a batch has not tried
 * by then is released, so the run ends within its budget and the next run takes those reminders at once.
 */
export async function runScan(
  store: Store,
  config: ScanConfig,
  channels: Channels,
  options: ScanOptions = {},
): Promise<ScanReport> {
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const dueBy = options.dueBy ?? clock();
  const started = Date.now();
  const deadline = started + config.budgetMs;
  const remaining = () => deadline - Date.now();
  const timeLeft = () => remaining() >= Math.min(config.providerTimeoutMs, START_WINDOW_MS);
  const report: ScanReport = {
    batches: 0,
    claimed: 0,
    sent: 0,
    delivered: 0,
    retrying: 0,
    failed: 0,
    waiting: 0,
    skipped: 0,
    missed: 0,
    released: 0,
    dropped: 0,
    stoppedBy: "nothing due",
    elapsedMs: 0,
  };

  for (;;) {
    if (!timeLeft()) {
      report.stoppedBy = "budget";
      break;
    }
    const limit = Math.min(config.batchSize, config.maxPerRun - report.claimed);
    if (limit <= 0) {
      report.stoppedBy = "max per run";
      break;
    }
    const batch = await claimDueReminders(store.db, {
      dueBy,
      now: clock(),
      limit,
      leaseSeconds: config.leaseSeconds,
      missedAfterSeconds: config.missedAfterSeconds,
      taskIds: options.taskIds,
    });
    if (batch.txid) store.onCommitted(batch.txid);
    report.batches++;
    report.claimed += batch.reminders.length;
    report.skipped += batch.skipped;
    report.missed += batch.missed.length;
    for (const reminder of batch.missed) options.onNotice?.(reminderNotice("reminder.missed", reminder, reminder.task));

    const outcomes: Outcome[] = new Array(batch.reminders.length);
    let next = 0;
    const worker = async () => {
      while (next < batch.reminders.length) {
        const i = next++;
        const reminder = batch.reminders[i]!;
        if (!timeLeft()) {
          outcomes[i] = { id: reminder.id, kind: "released" };
          continue;
        }
        // A failed look sends nothing: the reminder is released for the next run, and the batch's
        // other outcomes are still recorded.
        const check = await recheckBeforeSending(store.db, reminder.id, batch.token).catch(
          (): Recheck => ({ go: false, lost: true }),
        );
        if (!check.go) {
          // A lost claim is released and then dropped by the record, which no longer finds its token.
          outcomes[i] =
            "skip" in check
              ? { id: reminder.id, kind: "skipped", at: clock(), error: check.skip }
              : { id: reminder.id, kind: "released" };
          continue;
        }
        // Decided at the firing's first attempt (the claim keeps it), not now: a retry must repeat the
        // message, or the gateway takes the same Idempotency-Key for a new run and the person gets two.
        const firstAttempt = reminder.first_attempt_at ?? clock();
        const lateSeconds = (firstAttempt.getTime() - reminder.remind_at.getTime()) / 1000;
        const due =
          lateSeconds > config.lateAfterSeconds
            ? { ...reminder, late: { remindAt: reminder.remind_at, seconds: lateSeconds } }
            : reminder;
        const channel = channels[reminder.channel];
        const allowed = Math.min(config.providerTimeoutMs + (channel.confirmWaitMs ?? 0), remaining());
        const result = await attempt(channel, due, allowed);
        outcomes[i] = decideOutcome(reminder.id, reminder.attempts, result, config, clock(), random);
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, batch.reminders.length) }, worker));

    // Once more after a pause if the write fails: unrecorded sends would go out again after the lease.
    const { written, dropped } = await recordOutcomes(store, batch.token, outcomes).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return recordOutcomes(store, batch.token, outcomes);
    });
    const droppedIds = new Set(dropped);
    report.dropped += dropped.length;
    let released = 0;
    for (const o of outcomes) {
      if (droppedIds.has(o.id)) continue;
      if (o.kind === "sent") {
        report.sent++;
        if (o.delivery === "delivered") report.delivered++;
      } else if (o.kind === "retry") report.retrying++;
      else if (o.kind === "failed") report.failed++;
      else if (o.kind === "waiting") report.waiting++;
      else if (o.kind === "skipped") report.skipped++;
      else released++;
    }
    report.released += released;
    const tasks = new Map(batch.reminders.map((r) => [r.id, r.task]));
    for (const row of written) {
      if (row.status === "failed") options.onNotice?.(reminderNotice("reminder.failed", row, tasks.get(row.id)!));
    }
    if (released > 0) {
      report.stoppedBy = "budget";
      break;
    }
    // A short claim means nothing more is due; skipped and missed reminders filled part of it.
    if (batch.reminders.length + batch.missed.length + batch.skipped < limit) break;
  }
  report.elapsedMs = Date.now() - started;
  return report;
}
