/** The benchmark's latency chart must be readable where it matters most: concurrency 1. */
import { latencyChart } from "../../scripts/bench/svg-latency-chart";

const svg = latencyChart({
  title: "Non-stream latency",
  blocks: [
    {
      label: "concurrency 1",
      rows: [
        { name: "direct", p50: 0.72, p99: 5.2 },
        { name: "proxy", p50: 1.77, p99: 11.5 },
        { name: "Portkey", p50: 5.99, p99: 29.8 },
      ],
    },
    {
      label: "concurrency 64",
      rows: [
        { name: "direct", p50: 31.8, p99: 66.6 },
        { name: "proxy", p50: 42.5, p99: 284 },
        { name: "Portkey", p50: 149, p99: 230 },
      ],
    },
  ],
});

/** Bar width (px) by its tooltip, e.g. "proxy · concurrency 1 · p50". */
function barWidth(name: string): number {
  const match = new RegExp(`width="([\\d.]+)" height="\\d+" fill="[^"]+"><title>${name}: `).exec(svg);
  if (!match) throw new Error(`no bar ${name}`);
  return Number(match[1]);
}

test("p50 and p99 are separate bars, each labelled with its value and what it adds to the direct call", () => {
  expect(svg).toContain(">1.77 (+1.05)</text>");
  expect(svg).toContain(">11.5 (+6.30)</text>");
  expect(svg).toContain(">0.72</text>");
  expect(svg).toContain("p50 (median), ms");
  expect(svg).toContain("p99, ms");
});

test("at concurrency 1 one added millisecond at p50 is at least 20 px long, whatever happens at higher load", () => {
  const perMs = (barWidth("proxy · concurrency 1 · p50") - barWidth("direct · concurrency 1 · p50")) / (1.77 - 0.72);
  expect(perMs).toBeGreaterThanOrEqual(20);
  // Each panel has its own scale: the slow p99 at concurrency 64 does not squash concurrency 1.
  expect(barWidth("Portkey · concurrency 1 · p50")).toBeGreaterThan(100);
});
