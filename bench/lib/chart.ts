import type { ScenarioResult } from "./result.ts";

const xml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * One horizontal bar pair (p50, p99) per row that measured latency, on a log scale, grouped by
 * scenario: a plain SVG, so it renders on GitHub and in any browser without a charting library.
 */
export function latencyChart(results: ScenarioResult[]) {
  const bars = results.flatMap((r) =>
    r.rows.filter((row) => row.p50Ms !== undefined && row.p50Ms > 0).map((row) => ({ group: r.title, row })),
  );
  const labelWidth = 430;
  const plotWidth = 520;
  const rowHeight = 18;
  const top = 40;
  const values = bars.flatMap(({ row }) => [row.p50Ms!, row.p99Ms ?? row.p50Ms!]);
  const min = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values, 1))));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (ms: number) =>
    labelWidth + ((Math.log10(Math.max(ms, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * plotWidth;
  const out: string[] = [];
  let y = top;
  let group = "";
  for (const { group: g, row } of bars) {
    if (g !== group) {
      group = g;
      y += 8;
      out.push(`<text x="4" y="${y + 10}" font-weight="bold">${xml(g.split(":")[0]!)}</text>`);
      y += rowHeight;
    }
    const p99 = row.p99Ms ?? row.p50Ms!;
    out.push(
      `<text x="12" y="${y + 12}">${xml(row.case.slice(0, 70))}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${(x(p99) - labelWidth).toFixed(1)}" height="${rowHeight - 4}" fill="#f4a261"><title>p99 ${p99} ms</title></rect>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${(x(row.p50Ms!) - labelWidth).toFixed(1)}" height="${rowHeight - 4}" fill="#2a6f97"><title>p50 ${row.p50Ms} ms</title></rect>`,
      `<text x="${(x(p99) + 4).toFixed(1)}" y="${y + 12}" fill="#555">${row.p50Ms} / ${p99} ms</text>`,
    );
    y += rowHeight;
  }
  const ticks: string[] = [];
  for (let t = min; t <= max; t *= 10) {
    ticks.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${x(t)}" y="${top - 10}" text-anchor="middle">${t} ms</text>`,
    );
  }
  const width = labelWidth + plotWidth + 120;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 20}" font-family="sans-serif" font-size="11" role="img" aria-labelledby="title">
<title id="title">Latency percentiles of every benchmark case, p50 and p99, log scale</title>
<rect width="100%" height="100%" fill="white"/>
<text x="4" y="14" font-size="13" font-weight="bold">Latency percentiles: p50 (blue) and p99 (orange), log scale</text>
${ticks.join("\n")}
${out.join("\n")}
</svg>
`;
}
