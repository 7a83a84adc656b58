/**
 * The dashboard's charts on serverless. There `stats/series` is answered by whichever
 * instance of the models function took the call, which serves no API requests itself; the
 * per-account counters in `stats` are shared by every instance, though. This turns their
 * change between two refreshes into requests/s, failures/s and mean upstream latency.
 */

import type { SeriesView } from "../../metrics/request-series";

/** The counters of one account in GET /stats (summed over accounts). */
export interface AccountTotals {
  requests: number;
  successes: number;
  failures: number;
  rate_limited: number;
  avg_latency_ms: number | null;
}

/** The part of GET /stats/series the charts read. */
export type ChartSeries = Omit<SeriesView, "scope" | "tokens">;

interface Point {
  at: number;
  requests: number;
  failed: number;
  successes: number;
  latencySum: number;
}

/**
 * @example
 *   const history = new SharedTotalsHistory();
 *   history.add(Date.now(), stats.accounts);      // every refresh
 *   const chart = history.series(2_000);          // latency_p50_ms holds the mean
 */
export class SharedTotalsHistory {
  private readonly points: Point[] = [];

  constructor(private readonly maxPoints = 150) {}

  add(at: number, accounts: readonly AccountTotals[]): void {
    const point: Point = { at, requests: 0, failed: 0, successes: 0, latencySum: 0 };
    for (const a of accounts) {
      point.requests += a.requests;
      point.failed += a.failures + a.rate_limited;
      point.successes += a.successes;
      point.latencySum += (a.avg_latency_ms ?? 0) * a.successes;
    }
    this.points.push(point);
    if (this.points.length > this.maxPoints) this.points.shift();
  }

  /** One point per refresh since the page opened; failures scaled to `intervalMs`. */
  series(intervalMs: number): ChartSeries {
    const out: ChartSeries = {
      interval_ms: intervalMs,
      t: [],
      requests: [],
      rps: [],
      failed: [],
      latency_p50_ms: [],
      latency_p95_ms: [],
      ttft_p50_ms: [],
      ttft_p95_ms: [],
      summary: { requests: 0, failed: 0, rps: 0, latency_p50_ms: null, latency_p95_ms: null, ttft_p50_ms: null, ttft_p95_ms: null },
    };
    const p = this.points;
    for (let i = 1; i < p.length; i++) {
      const seconds = (p[i].at - p[i - 1].at) / 1000;
      if (seconds <= 0) continue;
      // Counters only grow; a smaller value is a store read that lagged: no change.
      const requests = Math.max(0, p[i].requests - p[i - 1].requests);
      const successes = Math.max(0, p[i].successes - p[i - 1].successes);
      out.t.push(p[i].at);
      out.requests.push(requests);
      out.rps.push(round(requests / seconds));
      out.failed.push(round((Math.max(0, p[i].failed - p[i - 1].failed) * intervalMs) / 1000 / seconds));
      out.latency_p50_ms.push(successes > 0 ? round((p[i].latencySum - p[i - 1].latencySum) / successes) : null);
      out.latency_p95_ms.push(null);
      out.ttft_p50_ms.push(null);
      out.ttft_p95_ms.push(null);
    }
    if (p.length > 1) {
      const first = p[0];
      const last = p[p.length - 1];
      const seconds = (last.at - first.at) / 1000;
      const successes = last.successes - first.successes;
      out.summary.requests = Math.max(0, last.requests - first.requests);
      out.summary.failed = Math.max(0, last.failed - first.failed);
      out.summary.rps = seconds > 0 ? round(Math.max(0, last.requests - first.requests) / seconds) : 0;
      out.summary.latency_p50_ms = successes > 0 ? round((last.latencySum - first.latencySum) / successes) : null;
    }
    return out;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
