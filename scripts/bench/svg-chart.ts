/**
 * A grouped bar chart as a standalone SVG string (no dependencies): one group of bars per
 * label on the x axis, one bar per series, optional whiskers (e.g. p99 over a p50 bar).
 *
 * @example
 *   writeFileSync("chart.svg", barChart({ title: "p50 latency", unit: "ms", groups: ["c=1", "c=8"],
 *     series: ["floor", "proxy"], values: [[2.0, 2.9], [3.1, 4.4]] }));
 */
export interface BarChart {
  title: string;
  /** y-axis unit, shown on the axis label and the value labels. */
  unit: string;
  groups: string[];
  series: string[];
  /** values[group][series]; NaN leaves a gap. */
  values: number[][];
  /** Optional whisker tops, same shape as values (drawn as a thin line with a cap). */
  whiskers?: number[][];
  whiskerLabel?: string;
  subtitle?: string;
  /** One panel per group, each with its own y scale. */
  independentScales?: boolean;
}

const PALETTE = ["#6b7280", "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2"];

export function barChart(chart: BarChart): string {
  const width = 860;
  const height = 420;
  const margin = { top: 64, right: 24, bottom: 78, left: 70 };
  const plotH = height - margin.top - margin.bottom;
  // Independent scales: one panel per group, each with its own y axis (for values that
  // differ by orders of magnitude between groups); otherwise one panel for all groups.
  const panels = chart.independentScales ? chart.groups.map((_, gi) => [gi]) : [chart.groups.map((_, gi) => gi)];
  const panelGap = chart.independentScales ? 56 : 0;
  const panelW = (width - margin.left - margin.right - panelGap * (panels.length - 1)) / panels.length;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(chart.title)}</text>`,
  );
  if (chart.subtitle) out.push(`<text x="${width / 2}" y="42" text-anchor="middle" fill="#4b5563">${esc(chart.subtitle)}</text>`);
  out.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#374151">${esc(chart.unit)}</text>`);

  panels.forEach((groupIdx, pi) => {
    const left = margin.left + pi * (panelW + panelGap);
    const all = groupIdx
      .flatMap((gi) => [...(chart.values[gi] ?? []), ...(chart.whiskers?.[gi] ?? [])])
      .filter((v) => Number.isFinite(v));
    const top = niceCeiling(Math.max(1e-9, ...all));
    const y = (v: number) => margin.top + plotH - (v / top) * plotH;

    // Grid and y axis.
    const ticks = 5;
    for (let i = 0; i <= ticks; i++) {
      const v = (top / ticks) * i;
      const yy = y(v).toFixed(1);
      out.push(`<line x1="${left.toFixed(1)}" x2="${(left + panelW).toFixed(1)}" y1="${yy}" y2="${yy}" stroke="${i === 0 ? "#111827" : "#e5e7eb"}"/>`);
      out.push(`<text x="${(left - 6).toFixed(1)}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${Number.isInteger(v) ? String(v) : fmt(v)}</text>`);
    }

    const groupW = panelW / groupIdx.length;
    const barGap = 4;
    const barW = Math.max(6, Math.min(48, (groupW * 0.8 - barGap * (chart.series.length - 1)) / chart.series.length));
    const clusterW = barW * chart.series.length + barGap * (chart.series.length - 1);
    groupIdx.forEach((gi, k) => {
      const x0 = left + k * groupW + (groupW - clusterW) / 2;
      chart.series.forEach((name, si) => {
        const v = chart.values[gi]?.[si];
        if (v === undefined || !Number.isFinite(v)) return;
        const x = x0 + si * (barW + barGap);
        const color = PALETTE[si % PALETTE.length];
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${color}"><title>${esc(`${name} · ${chart.groups[gi]}: ${fmt(v)} ${chart.unit}`)}</title></rect>`,
        );
        const w = chart.whiskers?.[gi]?.[si];
        let labelY = y(v);
        if (w !== undefined && Number.isFinite(w) && w > v) {
          const cx = x + barW / 2;
          out.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(v).toFixed(1)}" y2="${y(w).toFixed(1)}" stroke="#111827" stroke-width="1.2"/>`);
          out.push(`<line x1="${(cx - barW / 4).toFixed(1)}" x2="${(cx + barW / 4).toFixed(1)}" y1="${y(w).toFixed(1)}" y2="${y(w).toFixed(1)}" stroke="#111827" stroke-width="1.2"><title>${esc(`${name} · ${chart.groups[gi]}: ${chart.whiskerLabel ?? ""} ${fmt(w)} ${chart.unit}`)}</title></line>`);
          labelY = y(w);
        }
        out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(labelY - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#111827">${fmt(v)}</text>`);
      });
      out.push(`<text x="${(left + k * groupW + groupW / 2).toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#111827">${esc(chart.groups[gi])}</text>`);
    });
  });

  // Legend.
  let lx = margin.left;
  const ly = height - 28;
  chart.series.forEach((name, i) => {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 17}" y="${ly}" fill="#111827">${esc(name)}</text>`);
    lx += 30 + name.length * 6.6;
  });
  if (chart.whiskers && chart.whiskerLabel) {
    out.push(`<line x1="${lx + 6}" x2="${lx + 6}" y1="${ly - 11}" y2="${ly + 2}" stroke="#111827" stroke-width="1.2"/>`);
    out.push(`<line x1="${lx + 2}" x2="${lx + 10}" y1="${ly - 11}" y2="${ly - 11}" stroke="#111827" stroke-width="1.2"/>`);
    out.push(`<text x="${lx + 16}" y="${ly}" fill="#111827">${esc(chart.whiskerLabel)}</text>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** 1, 2, 2.5, 5 × 10^n at or above v. */
function niceCeiling(v: number): number {
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

function fmt(v: number): string {
  if (v === 0) return "0";
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
