import type { ReminderDueEvent, RoomEvent } from "../../../party/protocol";
import type { Env } from "../../env";
import { workspaceRoom } from "../../realtime/room";
import { reminderView, taskView } from "../../services/views";
import type { DueReminder } from "../claim";
import { accepted, type Channel, transient } from "./channel";

export type { ReminderDueEvent };

/** The room's RPC surface the scan uses: the ui channel's reminders, and its notices. */
export interface ReminderRoom {
  notify(event: RoomEvent): Promise<unknown>;
}

/**
 * The room behind the `MAIN` Durable Object binding (the realtime room, `SyncRoom`), or undefined
 * when this Worker has no such binding.
 */
export function roomFromEnv(env: Partial<Pick<Env, "MAIN">>): (() => Promise<ReminderRoom>) | undefined {
  const { MAIN } = env;
  if (!MAIN) return undefined;
  return async () => workspaceRoom({ MAIN });
}

/**
 * Shows the reminder on every open dashboard, through the realtime room's `notify` RPC. The room
 * broadcasts to whoever is connected and reports nothing back, so the reminder is `accepted`: no
 * dashboard confirms that a person saw it.
 */
export function uiChannel(room: () => Promise<ReminderRoom>): Channel {
  return {
    async deliver(reminder: DueReminder) {
      const { task, late, ...row } = reminder;
      const event: ReminderDueEvent = {
        type: "reminder.due",
        reminder: reminderView(row, task.timezone),
        task: taskView(task),
        ...(late?.seconds !== undefined ? { late_by_seconds: Math.round(late.seconds) } : {}),
      };
      try {
        await (await room()).notify(event);
        return accepted();
      } catch (err) {
        return transient(`room unavailable: ${(err as Error).message ?? String(err)}`.slice(0, 500));
      }
    },
  };
}
