/** One line of bench/RESULTS.md: a measurement and the limit it is set against, measured in the same run. */
export interface Row {
  scenario: string;
  /** What exactly ran: endpoint, concurrency, path (direct / pooled). */
  case: string;
  /** Operations per second, or undefined when the scenario measures latency only. */
  throughput?: number;
  unit?: string;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** Peak resident memory of the system under test (workerd), MiB. */
  peakMiB?: number;
  /** Size of what is uploaded (the Worker bundle), KiB. */
  sizeKiB?: number;
  /** The limit's name and its value in the same unit as the ratio's numerator. */
  limit: string;
  /** measured ÷ limit for throughput (1 = at the limit), limit ÷ measured… as stated in `ratioMeaning`. */
  ratio?: number;
  note?: string;
}

export interface ScenarioResult {
  title: string;
  /** How to read this scenario's ratio column. */
  ratioMeaning: string;
  rows: Row[];
  /** Free text under the table: explanations, EXPLAIN plans, what costs the extra round trips. */
  notes?: string[];
}

/** p-th percentile (0–100) of unsorted samples, nearest rank. */
export function percentile(samples: number[], p: number) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number | undefined, digits = 1) =>
  x === undefined || Number.isNaN(x) ? undefined : Number(x.toFixed(digits));
