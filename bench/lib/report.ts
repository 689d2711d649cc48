import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { latencyChart } from "./chart.ts";
import type { machine } from "./machine.ts";
import type { Row, ScenarioResult } from "./result.ts";

const dir = new URL("..", import.meta.url).pathname;

export interface Run {
  machine: ReturnType<typeof machine>;
  /** The commit measured, taken when the run started. */
  commit: string;
  quick: boolean;
  elapsedSeconds: number;
  results: ScenarioResult[];
}

const cell = (value: number | string | undefined) => (value === undefined ? "" : String(value).replaceAll("|", "\\|"));
const number = (value: number | undefined) => (value === undefined ? "" : value.toLocaleString("en-US"));

function table(rows: Row[]) {
  // Only the footprint scenario measures sizes; the column appears where it has values.
  const sized = rows.some((r) => r.sizeKiB !== undefined);
  const head = `| case |${sized ? " size KiB |" : ""} throughput | p50 ms | p99 ms | max ms | peak MiB | limit | ratio | note |`;
  const line = `|---|${sized ? "--:|" : ""}--:|--:|--:|--:|--:|---|--:|---|`;
  const body = rows.map(
    (r) =>
      `| ${cell(r.case)} |${sized ? ` ${number(r.sizeKiB)} |` : ""} ${r.throughput === undefined ? "" : `${number(r.throughput)} ${r.unit ?? ""}`} | ${number(r.p50Ms)} | ${number(r.p99Ms)} | ${number(r.maxMs)} | ${number(r.peakMiB)} | ${cell(r.limit)} | ${number(r.ratio)} | ${cell(r.note)} |`,
  );
  return [head, line, ...body].join("\n");
}

/** HEAD, marked when tracked files differ from it: the code a run measures. */
export function currentCommit() {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: dir })
      .toString()
      .trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return "unknown";
  }
}

/** bench/RESULTS.md (tables, notes, and bench/history.md's before/after log), bench/latency.svg, RESULTS.json; -quick variants for BENCH_QUICK=1. */
export function writeResults(run: Run) {
  // A smoke run never overwrites the committed full results.
  const suffix = run.quick ? "-quick" : "";
  writeFileSync(`${dir}RESULTS${suffix}.json`, `${JSON.stringify(run, null, 2)}\n`);
  const m = run.machine;
  const parts = [
    "# Benchmark results",
    "",
    `Written by \`${run.quick ? "BENCH_QUICK=1 " : ""}npm run bench\` on ${new Date().toISOString().slice(0, 16)}Z at commit ${run.commit}, in ${Math.round(run.elapsedSeconds)} s.`,
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, workerd ${m.workerd} (wrangler ${m.wrangler}), ${m.postgres}, ${m.pgbouncer}; load average at the start ${m.load}.`,
    "Every limit was measured in the same run on the same machine; absolute numbers drift between runs, the ratios much less.",
    "Rerun: `npm run bench` (all scenarios, 16–21 minutes on 2 cores), `BENCH_QUICK=1 npm run bench` (smoke run), `BENCH_ONLY=edge,rest npm run bench` (a subset).",
    "",
    `![latency percentiles](latency${suffix}.svg)`,
  ];
  for (const result of run.results) {
    parts.push("", `## ${result.title}`, "", `Ratio: ${result.ratioMeaning}.`, "", table(result.rows));
    if (result.notes?.length) parts.push("", ...result.notes.map((n) => (n.startsWith("```") ? n : `- ${n}`)));
  }
  const history = `${dir}history.md`;
  if (existsSync(history)) parts.push("", readFileSync(history, "utf8").trim());
  writeFileSync(`${dir}RESULTS${suffix}.md`, `${parts.join("\n")}\n`);
  writeFileSync(`${dir}latency${suffix}.svg`, latencyChart(run.results));
}
