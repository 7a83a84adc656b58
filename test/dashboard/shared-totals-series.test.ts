/** The dashboard's serverless charts: rates and mean latency from the shared account counters of successive /stats reads. */
import { SharedTotalsHistory, type AccountTotals } from "../../shared/dashboard/browser/shared-totals-series";

const account = (requests: number, successes: number, failures: number, rateLimited: number, avgMs: number | null): AccountTotals => ({
  requests,
  successes,
  failures,
  rate_limited: rateLimited,
  avg_latency_ms: avgMs,
});

test("requests/s, failures per interval and mean upstream latency from the change between refreshes, summed over accounts", () => {
  const history = new SharedTotalsHistory();
  history.add(10_000, [account(10, 10, 0, 0, 100), account(4, 4, 0, 0, 200)]);
  // 2 s later: 8 more requests (6 ok at 50 ms on the first account, 1 failure, 1 rate limited).
  history.add(12_000, [account(17, 16, 1, 0, (10 * 100 + 6 * 50) / 16), account(5, 4, 0, 1, 200)]);
  // 4 s later: nothing happened.
  history.add(16_000, [account(17, 16, 1, 0, (10 * 100 + 6 * 50) / 16), account(5, 4, 0, 1, 200)]);
  const series = history.series(2_000);
  expect(series.t).toEqual([12_000, 16_000]);
  expect(series.rps).toEqual([4, 0]);
  expect(series.failed).toEqual([2, 0]);
  expect(series.latency_p50_ms).toEqual([50, null]);
  expect(series.ttft_p50_ms).toEqual([null, null]);
  expect(series.summary).toMatchObject({ rps: 1.33, latency_p50_ms: 50 });
});

test("a lagging read (a counter smaller than before) counts as no change, and the history keeps its last points", () => {
  const history = new SharedTotalsHistory(3);
  history.add(0, [account(10, 10, 0, 0, 10)]);
  history.add(1_000, [account(8, 8, 0, 0, 10)]);
  expect(history.series(2_000).rps).toEqual([0]);
  history.add(2_000, [account(12, 12, 0, 0, 10)]);
  history.add(3_000, [account(13, 13, 0, 0, 10)]);
  expect(history.series(2_000).t).toEqual([2_000, 3_000]);
});
