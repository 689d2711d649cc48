import type { Env } from "./env";
import { versioned, withoutVersion } from "./http/versioning";
import { isOAuthPath, isOtherWellKnown, wellKnownNotFound } from "./oauth/paths";

export { SyncRoom } from "../party/sync-room";
export { ReminderClock } from "./reminders/clock";

/**
 * Only what routes a request is evaluated when an isolate starts; each part of the Worker is
 * imported on its first use (issue #21: startup CPU is paid by every cold isolate, and most
 * isolates serve few of the parts). The bundle is still one module: `import()` defers evaluation.
 */
export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    // OAuth for MCP clients (issue #18): its code loads on its own paths only.
    if (isOAuthPath(pathname)) return (await import("./mcp/oauth/routes")).routeOAuthRequest(request, env, ctx);
    if (isOtherWellKnown(pathname)) return wellKnownNotFound(request);
    if (pathname.startsWith("/parties/")) {
      const room = await (await import("./realtime/gateway")).routeRoomRequest(request, env);
      if (room) return room;
    }
    const api = withoutVersion(request);
    return versioned(await (await import("./app")).serveApi(api.request, env, ctx), api.versioned);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(import("./cron").then((cron) => cron.runScheduledJobs(controller, env)));
  },
} satisfies ExportedHandler<Env>;
