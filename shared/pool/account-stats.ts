const LATENCY_SAMPLES = 512;

export interface SharedCounters {
  requests?: number;
  successes?: number;
  failures?: number;
  rateLimited?: number;
  latencyMsSum?: number;
}

/** Per-account counters and recent latencies for /stats/accounts. */
export class AccountStats {
  requests = 0;
  successes = 0;
  failures = 0;
  rateLimited = 0;
  lastError: { message: string; kind: string; at: number } | undefined;
  /** Ring buffer of the most recent latencies (ms). */
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;
  private latencySum = 0;

  recordSuccess(latencyMs: number): void {
    this.successes++;
    this.latencySum += latencyMs;
    this.latencies[this.latencyCount++ % LATENCY_SAMPLES] = latencyMs;
  }

  /** Totals summed over every instance (serverless), replacing this instance's own. */
  adoptTotals(totals: SharedCounters): void {
    this.requests = totals.requests ?? 0;
    this.successes = totals.successes ?? 0;
    this.failures = totals.failures ?? 0;
    this.rateLimited = totals.rateLimited ?? 0;
    this.latencySum = totals.latencyMsSum ?? 0;
  }

  recordFailure(kind: string, message: string, at: number): void {
    if (kind === "rate_limited") this.rateLimited++;
    else this.failures++;
    this.lastError = { message, kind, at };
  }

  toJSON() {
    const samples = Array.from(this.latencies.subarray(0, Math.min(this.latencyCount, LATENCY_SAMPLES))).sort((a, b) => a - b);
    const p95 = samples.length ? samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))] : null;
    return {
      requests: this.requests,
      successes: this.successes,
      failures: this.failures,
      rate_limited: this.rateLimited,
      avg_latency_ms: this.successes ? round(this.latencySum / this.successes) : null,
      p95_latency_ms: p95 === null ? null : round(p95),
      last_error: this.lastError ? { kind: this.lastError.kind, message: this.lastError.message, at: new Date(this.lastError.at).toISOString() } : null,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
