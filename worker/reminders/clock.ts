import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { lazy } from "../lazy";

/**
 * What the clock runs, loaded on its first call rather than when the isolate starts (issue #21):
 * every isolate of the Worker evaluates this class's module, few of them ever run the clock.
 */
const parts = lazy(() =>
  Promise.all([
    import("../http/log"),
    import("../settings"),
    import("../webhooks/run"),
    import("../work/unit-of-work"),
    import("./next-due"),
    import("./scheduled"),
  ]).then(([log, settings, webhooks, work, nextDue, scheduled]) => ({
    ...log,
    ...settings,
    ...webhooks,
    ...work,
    ...nextDue,
    ...scheduled,
  })),
);

/**
 * The reminder clock: one Durable Object holding one alarm at the earliest time any armed reminder
 * falls due, so a reminder fires on its second rather than at the cron's next minute. Writes nudge
 * it after they commit; the cron re-syncs it every minute, so a lost nudge costs at most a minute.
 *
 * The alarm runs the same scan as the cron. Its claims are leased and conditional, so an alarm and a
 * cron run (or an alarm the platform retries after a throw: Durable Objects deliver alarms at least
 * once) never deliver a reminder twice.
 */
export class ReminderClock extends DurableObject<Env> {
  /** Fire at `at` if that comes before the alarm this clock holds (or it holds none). */
  async nudge(at: number): Promise<void> {
    await this.setEarlier(at);
  }

  /** Re-reads the next due time from the database (the cron's safety net, once a minute). */
  async sync(): Promise<number | null> {
    const next = await this.nextDue();
    if (next !== undefined) await this.setEarlier(next);
    return this.ctx.storage.getAlarm();
  }

  override async alarm(): Promise<void> {
    if (!(await this.isOn())) return;
    const { scanDueReminders, deliverWebhooks } = await parts();
    try {
      await scanDueReminders(
        this.env,
        new Date(),
        { trigger: "alarm" },
        { nudgeClock: false, afterChanges: undefined },
      );
    } finally {
      // Always re-arm, even after a throw: the next due time is in the database whatever happened.
      // A run stopped by its budget leaves reminders due now, so the clock fires again at once.
      const next = await this.nextDue();
      if (next !== undefined) await this.setEarlier(next);
      // What the scan recorded (reminder.delivered, .failed, .missed) goes to subscribers after the
      // re-arm, so a slow receiver never delays the next reminder.
      this.ctx.waitUntil(deliverWebhooks(this.env));
    }
  }

  /**
   * Moves the alarm only earlier. A nudge that lands while an alarm runs has already set the next
   * alarm; the run's own re-arm, read before that write committed, must not push it later.
   */
  private async setEarlier(at: number) {
    if (!(await this.isOn())) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(Math.max(at, Date.now()));
  }

  private async nextDue(): Promise<number | undefined> {
    const { beginUnitOfWork, nextDueAt } = await parts();
    const work = beginUnitOfWork(this.env, { nudgeClock: false });
    try {
      return (await nextDueAt(work.store, new Date()))?.getTime();
    } finally {
      await work.close();
    }
  }

  private async isOn(): Promise<boolean> {
    const { settingsOf, log } = await parts();
    try {
      return settingsOf(this.env).scan.clock;
    } catch (err) {
      log(undefined, "error", "reminder clock off: bad scan setting", { error: (err as Error).message });
      return false;
    }
  }
}
