import type { Env } from "./env";
import { versioned, withoutVersion } from "./http/versioning";
import { lazy } from "./lazy";
import { isOAuthPath, isOtherWellKnown, wellKnownNotFound } from "./oauth/paths";

export { SyncRoom } from "../party/sync-room";
export { ReminderClock } from "./reminders/clock";

/**
 * Only what routes a request is evaluated when an isolate starts; each part of the Worker is
 * imported on its first use (issue #21: startup CPU is paid by every cold isolate, and most
 * isolates serve few of the parts). The deployed bundle is split (scripts/lib/worker-bundle.ts), so
 * an `import()` also defers compiling the part; each module is kept once loaded, since a real
 * `import()` on every request is a module-registry lookup and a promise the hot path need not pay.
 */
const oauth = lazy(() => import("./mcp/oauth/routes"));
const room = lazy(() => import("./realtime/gateway"));
const api = lazy(() => import("./app"));

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    // OAuth for MCP clients (issue #18): its code loads on its own paths only.
    if (isOAuthPath(pathname)) return (await oauth()).routeOAuthRequest(request, env, ctx);
    if (isOtherWellKnown(pathname)) return wellKnownNotFound(request);
    if (pathname.startsWith("/parties/")) {
      const answer = await (await room()).routeRoomRequest(request, env);
      if (answer) return answer;
    }
    const unversioned = withoutVersion(request);
    return versioned(await (await api()).serveApi(unversioned.request, env, ctx), unversioned.versioned);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(import("./cron").then((cron) => cron.runScheduledJobs(controller, env)));
  },
} satisfies ExportedHandler<Env>;
