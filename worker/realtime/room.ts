import { getServerByName } from "partyserver";
import { DEFAULT_ROOM, type RoomEvent } from "../../party/protocol";
import type { Env } from "../env";

/** The workspace's room, through the `MAIN` Durable Object binding (served at /parties/main/default). */
export const workspaceRoom = (env: Pick<Env, "MAIN">) => getServerByName(env.MAIN, DEFAULT_ROOM);

/**
 * Tells every connected dashboard about an event that is not a change, e.g. the reminder scan's "ui"
 * channel: `notifyRoom(env, { type: "reminder.due", reminder, task })`. Throws if the room cannot
 * be reached, so a delivery channel can record the failure and retry.
 */
export async function notifyRoom(env: Pick<Env, "MAIN">, event: RoomEvent): Promise<void> {
  const room = await workspaceRoom(env);
  await room.notify(event);
}
