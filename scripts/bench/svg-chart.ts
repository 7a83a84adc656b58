import { PALETTE, esc, fmt, niceCeiling, svgHead } from "./svg-parts";

/**
 * A grouped bar chart as a standalone SVG string (no dependencies): one group of bars per
 * label on the x axis, one bar per series, each bar labelled with its value.
 *
 * @example
 *   writeFileSync("chart.svg", barChart({ title: "Throughput", unit: "req/s", groups: ["c=1", "c=8"],
 *     series: ["direct", "proxy"], values: [[1027, 391], [2003, 1126]] }));
 */
export interface BarChart {
  title: string;
  /** y-axis unit, shown on the axis label. */
  unit: string;
  groups: string[];
  series: string[];
  /** values[group][series]; NaN leaves a gap. */
  values: number[][];
  subtitle?: string;
}

export function barChart(chart: BarChart): string {
  const width = 860;
  const height = 420;
  const margin = { top: 64, right: 24, bottom: 78, left: 70 };
  const plotH = height - margin.top - margin.bottom;
  const plotW = width - margin.left - margin.right;
  const out = svgHead(width, height, chart.title, chart.subtitle);
  out.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#374151">${esc(chart.unit)}</text>`);

  const all = chart.values.flat().filter((v) => Number.isFinite(v));
  const top = niceCeiling(Math.max(1e-9, ...all));
  const y = (v: number) => margin.top + plotH - (v / top) * plotH;
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const v = (top / ticks) * i;
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${yy}" y2="${yy}" stroke="${i === 0 ? "#111827" : "#e5e7eb"}"/>`);
    out.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${Number.isInteger(v) ? String(v) : fmt(v)}</text>`);
  }

  const groupW = plotW / chart.groups.length;
  const barGap = 4;
  const barW = Math.max(6, Math.min(48, (groupW * 0.8 - barGap * (chart.series.length - 1)) / chart.series.length));
  const clusterW = barW * chart.series.length + barGap * (chart.series.length - 1);
  chart.groups.forEach((group, gi) => {
    const x0 = margin.left + gi * groupW + (groupW - clusterW) / 2;
    chart.series.forEach((name, si) => {
      const v = chart.values[gi]?.[si];
      if (v === undefined || !Number.isFinite(v)) return;
      const x = x0 + si * (barW + barGap);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${name} · ${group}: ${fmt(v)} ${chart.unit}`)}</title></rect>`,
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#111827">${fmt(v)}</text>`,
      );
    });
    out.push(`<text x="${(margin.left + gi * groupW + groupW / 2).toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#111827">${esc(group)}</text>`);
  });

  let lx = margin.left;
  const ly = height - 28;
  chart.series.forEach((name, i) => {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 17}" y="${ly}" fill="#111827">${esc(name)}</text>`);
    lx += 30 + name.length * 6.6;
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
