import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const SRC = new URL("../../dashboard/src/", import.meta.url).pathname;
const ASSETS = new URL("../../dashboard/public/assets/", import.meta.url).pathname;

/**
 * Swagger UI's prebuilt files that /docs loads (worker/routes/docs/index.ts names them under
 * /assets/docs/), and its licence beside them, as the package's file name → the served one.
 */
const SWAGGER_UI_FILES = {
  "swagger-ui-bundle.js": "swagger-ui-bundle.js",
  "swagger-ui.css": "swagger-ui.css",
  LICENSE: "LICENSE.txt",
  NOTICE: "NOTICE.txt",
};

/**
 * Builds the Worker's static assets: the dashboard's script and style (with the sync client it
 * uses) and the API docs' files, Swagger UI from the pinned `swagger-ui-dist` plus its starter.
 * They are served as static assets, so the 1.7 MB of Swagger UI never enters the Worker's bundle.
 */
export async function buildDashboard() {
  await build({
    entryPoints: [
      { in: join(SRC, "main.tsx"), out: "app" },
      { in: join(SRC, "app.css"), out: "app" },
      { in: join(SRC, "docs.ts"), out: "docs/init" },
    ],
    outdir: ASSETS,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    sourcemap: false,
    // Preact's automatic JSX runtime: components are plain functions, no React in the bundle.
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: "warning",
  });
  const swaggerUi = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  await mkdir(join(ASSETS, "docs"), { recursive: true });
  await Promise.all(
    Object.entries(SWAGGER_UI_FILES).map(([from, to]) => copyFile(join(swaggerUi, from), join(ASSETS, "docs", to))),
  );
}
