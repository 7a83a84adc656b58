/** The dashboard's ring of per-interval aggregates, driven by a hand-moved clock. */
import { RequestSeries } from "../../shared/metrics/request-series";

function seriesAt(start = 1_700_000_000_000) {
  let now = start;
  const series = new RequestSeries({ models: ["grok-4", "llama"], intervalMs: 2_000, slots: 30, now: () => now });
  return { series, advance: (ms: number) => (now += ms) };
}

test("percentiles per interval and over the window are within the buckets' ±10 %", () => {
  const { series, advance } = seriesAt();
  for (let i = 1; i <= 100; i++) series.request(i * 10, false); // 10 … 1000 ms
  series.firstToken(250);
  advance(2_000);
  const view = series.view(4_000);
  expect(view.t).toHaveLength(2);
  expect(view.requests).toEqual([0, 100]);
  expect(view.rps).toEqual([0, 50]);
  expect(view.latency_p50_ms[1]!).toBeGreaterThan(500 * 0.9);
  expect(view.latency_p50_ms[1]!).toBeLessThan(500 * 1.1);
  expect(view.latency_p95_ms[1]!).toBeGreaterThan(950 * 0.9);
  expect(view.latency_p95_ms[1]!).toBeLessThan(950 * 1.1);
  expect(view.latency_p50_ms[0]).toBeNull();
  expect(view.ttft_p50_ms[1]!).toBeCloseTo(250, -1.5);
  expect(view.summary).toMatchObject({ requests: 100, failed: 0, rps: 25 });
});

test("the unfinished interval is left out; failures and tokens are counted per interval and per model", () => {
  const { series, advance } = seriesAt();
  series.request(5, true);
  series.tokens(series.modelIndex("grok-4"), 10, 20);
  series.tokens(series.modelIndex("not-configured"), 1_000, 1_000);
  expect(series.view(2_000).requests).toEqual([0]);
  advance(2_000);
  const view = series.view(2_000);
  expect(view.failed).toEqual([1]);
  expect(view.tokens).toEqual([
    { model: "grok-4", prompt: 10, completion: 20, window_prompt: 10, window_completion: 20 },
    { model: "llama", prompt: 0, completion: 0, window_prompt: 0, window_completion: 0 },
  ]);
});

test("old intervals age out of the ring and the window; totals since start remain", () => {
  const { series, advance } = seriesAt();
  series.request(5, false);
  series.tokens(0, 3, 4);
  advance(2_000 * 40); // past the 30-slot ring
  series.request(7, false);
  advance(2_000);
  const view = series.view(60_000);
  expect(view.summary.requests).toBe(1);
  expect(view.tokens[0]).toMatchObject({ prompt: 3, completion: 4, window_prompt: 0, window_completion: 0 });
  expect(view.t).toHaveLength(29);
});
