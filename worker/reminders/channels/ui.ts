import type { ReminderDueEvent } from "../../../party/protocol";
import type { Env } from "../../env";
import { workspaceRoom } from "../../realtime/room";
import { reminderView, taskView } from "../../services/views";
import type { DueReminder } from "../claim";
import { type Channel, transient } from "./channel";

export type { ReminderDueEvent };

/** The room's RPC surface this channel uses. */
export interface ReminderRoom {
  notify(event: ReminderDueEvent): Promise<unknown>;
}

/**
 * The room behind the `MAIN` Durable Object binding (the realtime room, `SyncRoom`), or undefined
 * when this Worker has no such binding.
 */
export function roomFromEnv(env: Partial<Pick<Env, "MAIN">>): (() => Promise<ReminderRoom>) | undefined {
  const { MAIN } = env;
  if (!MAIN) return undefined;
  return () => workspaceRoom({ MAIN });
}

/** Shows the reminder on every open dashboard, through the realtime room's `notify` RPC. */
export function uiChannel(room: () => Promise<ReminderRoom>): Channel {
  return {
    async deliver(reminder: DueReminder) {
      const { task, ...row } = reminder;
      try {
        await (await room()).notify({
          type: "reminder.due",
          reminder: reminderView(row, task.timezone),
          task: taskView(task),
        });
        return { outcome: "sent" };
      } catch (err) {
        return transient(`room unavailable: ${(err as Error).message ?? String(err)}`.slice(0, 500));
      }
    },
  };
}
