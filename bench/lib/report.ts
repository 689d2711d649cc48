import { writeFileSync } from "node:fs";
import type { machine } from "./machine.ts";
import type { ScenarioResult } from "./result.ts";

const dir = new URL("..", import.meta.url).pathname;

export function writeResults(run: {
  machine: ReturnType<typeof machine>;
  quick: boolean;
  elapsedSeconds: number;
  results: ScenarioResult[];
}) {
  writeFileSync(`${dir}RESULTS.json`, `${JSON.stringify(run, null, 2)}\n`);
}
