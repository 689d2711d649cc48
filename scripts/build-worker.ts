import { bundleWorker } from "./lib/worker-bundle";

// wrangler.toml's [build] command: `wrangler dev` and `wrangler deploy` run it before they load dist/worker/.
const { files } = await bundleWorker();
console.log(`worker built: dist/worker/ (${files.filter((f) => f.endsWith(".mjs")).length} modules)`);
