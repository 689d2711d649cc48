import type { ReminderNoticeEvent } from "../../party/protocol";
import type { ReminderRow, TaskRow } from "../db/schema";
import { log } from "../http/log";
import { reminderView, taskView } from "../services/views";
import type { ReminderRoom } from "./channels/ui";

/** A room that does not take the notices in this time is given up on; the change log still has them. */
const NOTICE_TIMEOUT_MS = 5_000;

/** The room's notice that a reminder failed for good or was missed, with its task as the API shows them. */
export function reminderNotice(
  type: ReminderNoticeEvent["type"],
  reminder: ReminderRow,
  task: TaskRow,
): ReminderNoticeEvent {
  return { type, reminder: reminderView(reminder, task.timezone), task: taskView(task) };
}

/**
 * Tells every open dashboard about reminders that will reach no one, after the transactions that
 * recorded them committed. It never throws: the same changes are in the change log (`updated`, with
 * status `failed` or `missed`), which dashboards catch up from.
 */
export async function announceNotices(room: (() => Promise<ReminderRoom>) | undefined, notices: ReminderNoticeEvent[]) {
  if (!room || notices.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the room did not answer in ${NOTICE_TIMEOUT_MS} ms`)),
      NOTICE_TIMEOUT_MS,
    );
  });
  try {
    const target = await Promise.race([room(), timeout]);
    await Promise.race([Promise.all(notices.map((notice) => target.notify(notice))), timeout]);
  } catch (err) {
    log(undefined, "warn", "reminder notices not delivered to the room", {
      notices: notices.map((n) => `${n.type} ${n.reminder.id}`),
      error: String(err),
    });
  } finally {
    clearTimeout(timer);
  }
}
