import { build } from "esbuild";

const ENTRY = new URL("../../dashboard/src/main.ts", import.meta.url).pathname;
const OUTFILE = new URL("../../dashboard/public/assets/app.js", import.meta.url).pathname;

/** Bundles the dashboard script (and the sync client it uses) into the Worker's static assets. */
export async function buildDashboard() {
  await build({
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    sourcemap: false,
    logLevel: "warning",
  });
}
