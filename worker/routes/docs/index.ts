import { Hono } from "hono";
import type { HonoEnv } from "../../env";

/**
 * Swagger UI over /openapi.json. Its files are static assets from the pinned `swagger-ui-dist`,
 * copied under /assets/docs/ by `npm run build:dashboard` (scripts/lib/dashboard.ts), so the page
 * works offline, loads nothing from another origin, and runs no inline script: the app's CSP
 * allows only this origin's scripts and styles.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>OpenClaw Sync API</title>
  <link rel="stylesheet" href="/assets/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/assets/docs/swagger-ui-bundle.js"></script>
  <script src="/assets/docs/init.js"></script>
</body>
</html>
`;

export const docsRoutes = new Hono<HonoEnv>().get("/", (c) => c.html(PAGE));
