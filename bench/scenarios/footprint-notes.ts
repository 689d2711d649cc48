import { round } from "../lib/result.ts";
import { bundleContributors } from "../lib/worker-build.ts";
import type { Measured } from "./footprint-measured.ts";

const share = (part: number, whole: number) => `${Math.round((100 * part) / whole)} %`;
/** The app's upload is an entry and ~100 chunks (scripts/lib/worker-bundle.ts): named by folder, counted. */
const moduleList = (modules: string[]) => {
  const top = modules.filter((m) => !m.includes("/"));
  const nested = modules.length - top.length;
  return [...top, ...(nested ? [`${nested} chunks in lazy/, each loaded on first import`] : [])].join(", ");
};

/** What the footprint rows include, what the bundle and its startup are made of. */
export function footprintNotes(app: Measured, hello: Measured, { runs, pollMs }: { runs: number; pollMs: number }) {
  const top = (entries: [string, number][], total: number, unit: (x: number) => string) =>
    entries
      .slice(0, 8)
      .map(([name, x], i) => `${i + 1}. ${name} ${unit(x)} (${share(x, total)})`)
      .join(", ");
  const startup = new Map<string, number>();
  for (const p of app.nodeProfiles)
    for (const [where, ms] of p.bySource) startup.set(where, (startup.get(where) ?? 0) + ms / runs);
  const startupTotal = [...startup.values()].reduce((a, b) => a + b, 0);
  return [
    `Sizes are the modules \`wrangler deploy --dry-run --outdir\` emits (${moduleList(app.build.modules)}; source maps ` +
      "left out, as in wrangler's own figure), gzip at zlib's default level 6 over their concatenation, as wrangler " +
      `computes it. wrangler printed: app "${app.build.wranglerReport}", hello "${hello.build.wranglerReport}".`,
    "Size limits: Cloudflare removed the compressed limits (3 MiB Free, 10 MiB Paid) on 2026-09-04 and now checks " +
      "only the uncompressed upload, 64 MiB on every plan; the gzip rows still show the old ones.",
    `Largest parts of the app's bundle (esbuild metafile, bytes in output): ${top(
      bundleContributors(app.build),
      app.build.rawBytes,
      (b) => `${round(b / 1024, 1)} KiB`,
    )}.`,
    "Which code the app's global scope spends its time in (self time in the bundle's code by where it was " +
      `written, from the Node import profiled every 0.1 ms with line ticks, mean of ${runs}; workerd's samples are ` +
      `too sparse for this; ${round(startupTotal)} ms of wall-clock sampled, the profiler's own cost included, so ` +
      `read the shares): ${top(
        [...startup].sort((a, b) => b[1] - a[1]),
        startupTotal,
        (ms) => `${round(ms)} ms`,
      )}. Compiling, garbage collection and the runtime's module loader come on top.`,
    "Startup in workerd: `wrangler check startup` loads the upload into Miniflare's workerd and profiles the " +
      "import of the main module; the figure is its non-idle samples (what wrangler prints as Active), of which " +
      '"global scope" is the time inside the module body. Samples are milliseconds apart on a shared machine, so ' +
      "hello's figure is a sample or two, or none. The Node rows time the same import() precisely " +
      "(cloudflare:* stubbed, Node's own lazy builtins warmed first), in another runtime.",
    `Cold start: from spawning \`wrangler dev\` to the first 200 from /health, polled every ${pollMs} ms: Node ` +
      "starting wrangler, esbuild bundling, Miniflare starting workerd, loading the Worker, the request; the app's " +
      "/health also opens a connection through PgBouncer for `select 1`. Cloudflare does none of the tooling part, " +
      "so this is set against hello, not a limit.",
  ];
}
