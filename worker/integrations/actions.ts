import { DomainError, NotFoundError } from "../services/errors";
import { dateInZone, nextDate } from "../services/local-days";
import { getReminder, snoozeReminder } from "../services/reminders";
import type { Store } from "../services/store";
import { listCompletions } from "../services/task-completions";
import { getTask } from "../services/tasks";
import { updateTask } from "../services/update-task";
import { dateToLocal, fromLocal } from "../time/zone";
import type { ChatAction } from "./buttons";

/**
 * What a tap did, in words for the chat: `toast` for the provider's short notice (Telegram's
 * answerCallbackQuery shows at most 200 characters), `line` to put under the reminder's text in
 * place of its buttons. `applied` is false when nothing changed because the reminder or its task
 * moved on since the message went out.
 */
export interface ActionOutcome {
  applied: boolean;
  toast: string;
  line: string;
}

export interface ChatTap {
  action: ChatAction;
  reminderId: string;
  /** The provider's id of the message that carried the button; a reminder that fired again since has a newer one. */
  messageId?: string;
  now?: Date;
}

/** "10:02" on `tz`'s wall clock; a later local day also names its date. */
function wallClock(at: Date, tz: string, now: Date) {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  const day = dateInZone(at, tz);
  if (day === dateInZone(now, tz)) return time;
  const weekday = new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short" }).format(at);
  return `${weekday} ${day} ${time}`;
}

const stale = (text: string): ActionOutcome => ({ applied: false, toast: text, line: text });

/** When a snooze button fires again: in 10 minutes, in an hour, or tomorrow at the all-day reminder hour in the task's zone. */
export function snoozeTarget(action: Exclude<ChatAction, "done">, now: Date, tz: string, hour: number): Date {
  if (action === "snooze10") return new Date(now.getTime() + 10 * 60_000);
  if (action === "snooze60") return new Date(now.getTime() + 60 * 60_000);
  const tomorrow = nextDate(dateInZone(now, tz));
  return new Date(fromLocal(dateToLocal(tomorrow) + hour * 3_600_000, tz));
}

/**
 * Applies a tap on a reminder's button through the same services as REST, so the change log, the
 * room and webhooks see it like any other write. A tap acts only on the reminder as it was when its
 * message went out: if the task is no longer pending, its occurrence was completed meanwhile, or the
 * reminder has been snoozed or has fired again since, the tap says so and changes nothing.
 */
export async function applyChatAction(store: Store, tap: ChatTap): Promise<ActionOutcome> {
  const now = tap.now ?? new Date();
  let reminder: Awaited<ReturnType<typeof getReminder>>;
  let task: Awaited<ReturnType<typeof getTask>>;
  try {
    reminder = await getReminder(store, { id: tap.reminderId });
    task = await getTask(store, { id: reminder.task_id });
  } catch (error) {
    if (error instanceof NotFoundError) return stale("This reminder or its task no longer exists.");
    throw error;
  }
  if (task.status !== "pending") return stale(`Already ${task.status}; nothing changed.`);
  if (reminder.status === "scheduled") {
    return stale(`Already snoozed until ${wallClock(reminder.remind_at, task.timezone, now)}; nothing changed.`);
  }
  if (tap.messageId !== undefined && reminder.provider_message_id !== tap.messageId) {
    return stale("This reminder has fired again since; use its latest message.");
  }
  // A recurring task is pending again after a completion: one recorded since this message went out
  // means its occurrence is done.
  if (task.rrule && reminder.sent_at) {
    const { items } = await listCompletions(store, { task_id: task.id, limit: 1 });
    if (items[0] && items[0].completed_at >= reminder.sent_at) return stale("Already completed; nothing changed.");
  }

  try {
    if (tap.action === "done") {
      const updated = await updateTask(store, {
        id: task.id,
        changes: { status: "completed" },
        expectedVersion: task.version,
      });
      const done = `Done ✓ ${wallClock(now, task.timezone, now)}`;
      const next = updated.status === "pending" && updated.due_time;
      return {
        applied: true,
        toast: done,
        line: next ? `${done} · next ${wallClock(updated.due_time!, task.timezone, now)}` : done,
      };
    }
    const until = snoozeTarget(tap.action, now, task.timezone, store.time.allDayReminderHour);
    await snoozeReminder(store, { id: reminder.id, until });
    const text = `Snoozed until ${wallClock(until, task.timezone, now)}`;
    return { applied: true, toast: text, line: text };
  } catch (error) {
    // Someone else changed the task or the reminder between the read and the write.
    if (error instanceof DomainError) return stale("It changed elsewhere meanwhile; nothing changed.");
    throw error;
  }
}
