import { LOG_BUCKETS, logBucket, quantile } from "./log-buckets";

export interface RequestSeriesOptions {
  /** Configured model names (the tokens table); others are not counted per model. */
  models: readonly string[];
  /** Width of one point (default 2 s: the dashboard refreshes every 2 s). */
  intervalMs?: number;
  /** How many intervals are kept (default 300: ten minutes at 2 s). */
  slots?: number;
  /** "process" when one process serves every request (the CLI), "instance" on serverless. */
  scope?: SeriesScope;
  now?: () => number;
}

export type SeriesScope = "process" | "instance";

/** What GET /stats/series answers: one array per measure, oldest point first. */
export interface SeriesView {
  interval_ms: number;
  /** "instance": a serverless instance sees only the requests it served itself. */
  scope: SeriesScope;
  /** Start of each interval, epoch ms. */
  t: number[];
  requests: number[];
  /** Answers with status 429 or 5xx. */
  failed: number[];
  rps: number[];
  latency_p50_ms: (number | null)[];
  latency_p95_ms: (number | null)[];
  ttft_p50_ms: (number | null)[];
  ttft_p95_ms: (number | null)[];
  /** Over the whole window. */
  summary: { requests: number; failed: number; rps: number; latency_p50_ms: number | null; latency_p95_ms: number | null; ttft_p50_ms: number | null; ttft_p95_ms: number | null };
  /** Per configured model: since start, and within the window. */
  tokens: { model: string; prompt: number; completion: number; window_prompt: number; window_completion: number }[];
}

/**
 * The dashboard's recent history: per-interval aggregates in a ring of fixed typed arrays
 * (requests, failures, latency and time-to-first-token histograms, tokens per model).
 * Recording is a few array increments with no allocation; old intervals are overwritten
 * as time moves on, without a timer.
 *
 * @example
 *   const series = new RequestSeries({ models: ["grok-4"] });
 *   series.request(812, false);
 *   series.view(5 * 60_000).latency_p50_ms;
 */
export class RequestSeries {
  readonly intervalMs: number;
  readonly models: readonly string[];
  readonly scope: SeriesScope;
  private readonly slots: number;
  private readonly now: () => number;
  private readonly stamps: Float64Array;
  private readonly requests: Uint32Array;
  private readonly failures: Uint32Array;
  private readonly latency: Uint32Array;
  private readonly ttft: Uint32Array;
  /** [slot][model][prompt, completion] */
  private readonly tokensBySlot: Float64Array;
  /** [model][prompt, completion] since start. */
  private readonly tokenTotals: Float64Array;
  private readonly modelIndexes: Map<string, number>;

  constructor(options: RequestSeriesOptions) {
    this.intervalMs = options.intervalMs ?? 2_000;
    this.slots = options.slots ?? 300;
    this.now = options.now ?? Date.now;
    this.scope = options.scope ?? "process";
    this.models = [...options.models];
    this.modelIndexes = new Map(this.models.map((m, i) => [m, i]));
    this.stamps = new Float64Array(this.slots).fill(-1);
    this.requests = new Uint32Array(this.slots);
    this.failures = new Uint32Array(this.slots);
    this.latency = new Uint32Array(this.slots * LOG_BUCKETS);
    this.ttft = new Uint32Array(this.slots * LOG_BUCKETS);
    this.tokensBySlot = new Float64Array(this.slots * this.models.length * 2);
    this.tokenTotals = new Float64Array(this.models.length * 2);
  }

  /** Index of a configured model for {@link tokens}; -1 for any other name. */
  modelIndex(model: string): number {
    return this.modelIndexes.get(model) ?? -1;
  }

  /** A finished request: its duration and whether it failed (429 or 5xx). */
  request(durationMs: number, failed: boolean): void {
    const slot = this.slot();
    this.requests[slot]++;
    if (failed) this.failures[slot]++;
    this.latency[slot * LOG_BUCKETS + logBucket(durationMs)]++;
  }

  firstToken(ms: number): void {
    this.ttft[this.slot() * LOG_BUCKETS + logBucket(ms)]++;
  }

  tokens(modelIndex: number, prompt: number, completion: number): void {
    if (modelIndex < 0) return;
    const at = (this.slot() * this.models.length + modelIndex) * 2;
    this.tokensBySlot[at] += prompt;
    this.tokensBySlot[at + 1] += completion;
    this.tokenTotals[modelIndex * 2] += prompt;
    this.tokenTotals[modelIndex * 2 + 1] += completion;
  }

  /**
   * The complete intervals of the last `windowMs` (the current, unfinished one is left out
   * so the newest point does not dip), at most what the ring holds.
   */
  view(windowMs = 5 * 60_000): SeriesView {
    const current = Math.floor(this.now() / this.intervalMs);
    const count = Math.max(1, Math.min(this.slots - 1, Math.round(windowMs / this.intervalMs)));
    const seconds = this.intervalMs / 1000;
    const view: SeriesView = {
      interval_ms: this.intervalMs,
      scope: this.scope,
      t: [],
      requests: [],
      failed: [],
      rps: [],
      latency_p50_ms: [],
      latency_p95_ms: [],
      ttft_p50_ms: [],
      ttft_p95_ms: [],
      summary: { requests: 0, failed: 0, rps: 0, latency_p50_ms: null, latency_p95_ms: null, ttft_p50_ms: null, ttft_p95_ms: null },
      tokens: [],
    };
    const latencySum = new Uint32Array(LOG_BUCKETS);
    const ttftSum = new Uint32Array(LOG_BUCKETS);
    const windowTokens = new Float64Array(this.models.length * 2);
    for (let stamp = current - count; stamp < current; stamp++) {
      const slot = ((stamp % this.slots) + this.slots) % this.slots;
      const live = this.stamps[slot] === stamp;
      const requests = live ? this.requests[slot] : 0;
      view.t.push(stamp * this.intervalMs);
      view.requests.push(requests);
      view.failed.push(live ? this.failures[slot] : 0);
      view.rps.push(round(requests / seconds));
      const base = slot * LOG_BUCKETS;
      view.latency_p50_ms.push(live ? roundOrNull(quantile(this.latency, base, 0.5)) : null);
      view.latency_p95_ms.push(live ? roundOrNull(quantile(this.latency, base, 0.95)) : null);
      view.ttft_p50_ms.push(live ? roundOrNull(quantile(this.ttft, base, 0.5)) : null);
      view.ttft_p95_ms.push(live ? roundOrNull(quantile(this.ttft, base, 0.95)) : null);
      if (!live) continue;
      view.summary.requests += requests;
      view.summary.failed += this.failures[slot];
      for (let i = 0; i < LOG_BUCKETS; i++) {
        latencySum[i] += this.latency[base + i];
        ttftSum[i] += this.ttft[base + i];
      }
      const tokenBase = slot * this.models.length * 2;
      for (let i = 0; i < windowTokens.length; i++) windowTokens[i] += this.tokensBySlot[tokenBase + i];
    }
    view.summary.rps = round(view.summary.requests / (count * seconds));
    view.summary.latency_p50_ms = roundOrNull(quantile(latencySum, 0, 0.5));
    view.summary.latency_p95_ms = roundOrNull(quantile(latencySum, 0, 0.95));
    view.summary.ttft_p50_ms = roundOrNull(quantile(ttftSum, 0, 0.5));
    view.summary.ttft_p95_ms = roundOrNull(quantile(ttftSum, 0, 0.95));
    view.tokens = this.models.map((model, i) => ({
      model,
      prompt: this.tokenTotals[i * 2],
      completion: this.tokenTotals[i * 2 + 1],
      window_prompt: windowTokens[i * 2],
      window_completion: windowTokens[i * 2 + 1],
    }));
    return view;
  }

  /** The ring slot of the current interval, cleared when time has moved past its last use. */
  private slot(): number {
    const stamp = Math.floor(this.now() / this.intervalMs);
    const slot = stamp % this.slots;
    if (this.stamps[slot] !== stamp) {
      this.stamps[slot] = stamp;
      this.requests[slot] = 0;
      this.failures[slot] = 0;
      this.latency.fill(0, slot * LOG_BUCKETS, (slot + 1) * LOG_BUCKETS);
      this.ttft.fill(0, slot * LOG_BUCKETS, (slot + 1) * LOG_BUCKETS);
      const width = this.models.length * 2;
      this.tokensBySlot.fill(0, slot * width, (slot + 1) * width);
    }
    return slot;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}
