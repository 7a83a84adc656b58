import { PALETTE, esc, fmt, niceCeiling, svgHead } from "./svg-parts";

export interface LatencyBlock {
  /** e.g. "concurrency 1". */
  label: string;
  /** One row per path; the first is the baseline the others are compared with. */
  rows: { name: string; p50: number; p99: number }[];
}

export interface LatencyChart {
  title: string;
  subtitle?: string;
  blocks: LatencyBlock[];
}

const WIDTH = 860;
const NAME_W = 200;
const PANEL_GAP = 36;
const RIGHT = 16;
/** Room right of each bar for its label ("1.77 (+1.05)"), so labels never collide with the axis end. */
const LABEL_W = 86;
const ROW_H = 20;
const BAR_H = 14;

/**
 * Latency percentiles as horizontal bars: one block per concurrency, p50 and p99 side by
 * side in separate panels, each panel with its own scale from 0 (so at concurrency 1, where
 * p50s are a few ms, one more millisecond is a visible length). Every bar is labelled with
 * its value and, for all but the first row, its difference from the first row.
 *
 * @example
 *   latencyChart({ title: "Latency", blocks: [{ label: "concurrency 1", rows: [
 *     { name: "direct", p50: 0.72, p99: 5.2 }, { name: "proxy", p50: 1.77, p99: 11.5 }] }] })
 */
export function latencyChart(chart: LatencyChart): string {
  const panelW = (WIDTH - NAME_W - PANEL_GAP - RIGHT) / 2;
  const barMax = panelW - LABEL_W;
  const blockH = (rows: number) => 24 + rows * ROW_H + 26;
  const height = 64 + chart.blocks.reduce((h, b) => h + blockH(b.rows.length) + 10, 0);
  const out = svgHead(WIDTH, height, chart.title, chart.subtitle);

  let top = 64;
  for (const block of chart.blocks) {
    out.push(`<text x="12" y="${top + 14}" font-weight="600" fill="#111827">${esc(block.label)}</text>`);
    (["p50", "p99"] as const).forEach((key, pi) => {
      const left = NAME_W + pi * (panelW + PANEL_GAP);
      const values = block.rows.map((r) => r[key]).filter((v) => Number.isFinite(v));
      const scaleTop = niceCeiling(Math.max(1e-9, ...values));
      const x = (v: number) => left + (v / scaleTop) * barMax;
      const plotTop = top + 24;
      const plotBottom = plotTop + block.rows.length * ROW_H;
      out.push(`<text x="${left}" y="${top + 14}" font-weight="600" fill="#374151">${key === "p50" ? "p50 (median), ms" : "p99, ms"}</text>`);
      for (let i = 0; i <= 4; i++) {
        const v = (scaleTop / 4) * i;
        out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${plotTop - 2}" y2="${plotBottom}" stroke="${i === 0 ? "#111827" : "#e5e7eb"}"/>`);
        out.push(`<text x="${x(v).toFixed(1)}" y="${plotBottom + 14}" text-anchor="middle" font-size="10" fill="#374151">${Number(v.toPrecision(3))}</text>`);
      }
      const base = block.rows[0][key];
      block.rows.forEach((row, ri) => {
        const v = row[key];
        const cy = plotTop + ri * ROW_H + (ROW_H - BAR_H) / 2;
        if (pi === 0) out.push(`<text x="${NAME_W - 10}" y="${cy + BAR_H - 3}" text-anchor="end" fill="#111827">${esc(row.name)}</text>`);
        if (!Number.isFinite(v)) return;
        const label = ri === 0 || !Number.isFinite(base) ? fmt(v) : `${fmt(v)} (${v >= base ? "+" : "−"}${fmt(Math.abs(v - base))})`;
        out.push(
          `<rect x="${left}" y="${cy}" width="${Math.max(1, x(v) - left).toFixed(1)}" height="${BAR_H}" fill="${PALETTE[ri % PALETTE.length]}"><title>${esc(`${row.name} · ${block.label} · ${key}: ${fmt(v)} ms`)}</title></rect>`,
          `<text x="${(x(v) + 5).toFixed(1)}" y="${cy + BAR_H - 3}" font-size="11" fill="#111827">${esc(label)}</text>`,
        );
      });
    });
    top += blockH(block.rows.length) + 10;
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
