import { app } from "./app";
import { scheduled } from "./cron";
import type { Env } from "./env";
import { isOAuthPath, isOtherWellKnown, wellKnownNotFound } from "./oauth/paths";
import { routeRoomRequest } from "./realtime/gateway";

export { SyncRoom } from "../party/sync-room";
export { ReminderClock } from "./reminders/clock";

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    // OAuth for MCP clients (issue #18): its code loads on its own paths only.
    if (isOAuthPath(pathname)) return (await import("./mcp/oauth/routes")).routeOAuthRequest(request, env, ctx);
    if (isOtherWellKnown(pathname)) return wellKnownNotFound(request);
    return (await routeRoomRequest(request, env)) ?? app.fetch(request, env, ctx);
  },
  scheduled,
} satisfies ExportedHandler<Env>;
