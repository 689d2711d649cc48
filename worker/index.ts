import { app } from "./app";
import { scheduled } from "./cron";
import type { Env } from "./env";
import { versioned, withoutVersion } from "./http/versioning";
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
    const room = await routeRoomRequest(request, env);
    if (room) return room;
    const api = withoutVersion(request);
    return versioned(await app.fetch(api.request, env, ctx), api.versioned);
  },
  scheduled,
} satisfies ExportedHandler<Env>;
