import type { ReminderNoticeEvent } from "../../party/protocol";
import { errorFields, log } from "../http/log";
import { windowOpen } from "../services/whatsapp-window";
import { settingsOf } from "../settings";
import { nudgeWebhooks } from "../webhooks/announce";
import { beginUnitOfWork, type UnitOfWorkOptions, type WorkEnv } from "../work/unit-of-work";
import { createChannels } from "./channels";
import { roomFromEnv } from "./channels/ui";
import { webhookChannel } from "./channels/webhook";
import { announceNotices } from "./notices";
import { runScan, type ScanReport } from "./scan";

/**
 * One run of the reminder scan in its own unit of work: deliver what was due by `dueBy`, then tell
 * the room about what it committed (deliveries, retries, skips, failures, misses) and give it a
 * notice for each reminder that failed for good or was missed. A bad scan setting stops this run
 * only, logged with the variable it names; nothing else depends on it.
 */
export async function scanDueReminders(
  env: WorkEnv,
  dueBy: Date,
  trigger: Record<string, unknown>,
  options: UnitOfWorkOptions = {},
): Promise<ScanReport | undefined> {
  let config: ReturnType<typeof settingsOf>["scan"];
  try {
    config = settingsOf(env).scan;
  } catch (err) {
    log(undefined, "error", "reminder scan not run", { ...trigger, error: (err as Error).message });
    return undefined;
  }
  // What the scan records (reminder.delivered, .failed, .missed) goes to webhook subscribers after it.
  const work = beginUnitOfWork(env, { afterChanges: nudgeWebhooks(env), ...options });
  const room = roomFromEnv(env);
  const notices: ReminderNoticeEvent[] = [];
  try {
    const report: ScanReport = await runScan(
      work.store,
      config,
      createChannels(config, room, webhookChannel(work.store, settingsOf(env).webhooks), (waId) =>
        windowOpen(work.store, { waId }),
      ),
      {
        dueBy,
        onNotice: (notice) => notices.push(notice),
      },
    );
    log(undefined, "info", "reminder scan", { ...trigger, ...report });
    return report;
  } catch (err) {
    log(undefined, "error", "reminder scan failed", { ...trigger, ...errorFields(err) });
    throw err;
  } finally {
    await work.end();
    await announceNotices(room, notices);
  }
}
