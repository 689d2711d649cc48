import { app } from "./app";
import { scheduled } from "./cron";
import type { Env } from "./env";
import { routeRoomRequest } from "./realtime/gateway";

export { SyncRoom } from "../party/sync-room";
export { ReminderClock } from "./reminders/clock";

export default {
  async fetch(request, env, ctx) {
    return (await routeRoomRequest(request, env)) ?? app.fetch(request, env, ctx);
  },
  scheduled,
} satisfies ExportedHandler<Env>;
