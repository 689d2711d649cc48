import { getServerByName, type Server } from "partyserver";
import { toResource } from "../../db/resource";
import { reminders, tasks } from "../../db/schema";
import { HIDDEN_REMINDER_COLUMNS } from "../../routes/reminders/schemas";
import type { DueReminder } from "../claim";
import { type Channel, transient } from "./channel";

/** What the dashboard room receives for a due reminder (the room broadcasts it to connected dashboards). */
export interface ReminderDueEvent {
  type: "reminder.due";
  reminder: Record<string, unknown>;
  task: Record<string, unknown>;
}

/** The room's RPC surface this channel uses. */
export interface ReminderRoom {
  notify(event: ReminderDueEvent): Promise<unknown>;
}

/**
 * The room behind the `MAIN` Durable Object binding (the realtime room, `SyncRoom`), or undefined
 * when this Worker has no such binding.
 */
export function roomFromEnv(env: object): (() => Promise<ReminderRoom>) | undefined {
  const namespace = (env as { MAIN?: DurableObjectNamespace<Server> }).MAIN;
  if (!namespace) return undefined;
  return async () => (await getServerByName(namespace, "default")) as unknown as ReminderRoom;
}

/** Shows the reminder on every open dashboard, through the realtime room's `notify` RPC. */
export function uiChannel(room: () => Promise<ReminderRoom>): Channel {
  return {
    async deliver(reminder: DueReminder) {
      const { task, ...row } = reminder;
      try {
        await (await room()).notify({
          type: "reminder.due",
          reminder: toResource(reminders, row, HIDDEN_REMINDER_COLUMNS),
          task: toResource(tasks, task),
        });
        return { outcome: "sent" };
      } catch (err) {
        return transient(`room unavailable: ${(err as Error).message ?? String(err)}`.slice(0, 500));
      }
    },
  };
}
