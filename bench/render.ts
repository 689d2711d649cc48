/**
 * `npm run bench:render`: writes bench/RESULTS.md and latency.svg again from the last full run's
 * RESULTS.json, after bench/history.md or the report's layout changed, without measuring again.
 */
import { readFileSync } from "node:fs";
import { type Run, writeResults } from "./lib/report.ts";

const run = JSON.parse(readFileSync(new URL("RESULTS.json", import.meta.url).pathname, "utf8")) as Run;
writeResults(run);
console.log(`bench/RESULTS.md rendered from the run of commit ${run.commit}`);
