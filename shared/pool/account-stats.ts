const LATENCY_SAMPLES = 512;

export interface SharedCounters {
  requests?: number;
  successes?: number;
  failures?: number;
  rateLimited?: number;
  clientErrors?: number;
  cancelled?: number;
  latencyMsSum?: number;
}

/**
 * Per-account counters and recent latencies for /stats/accounts. Every request an account
 * took ends as exactly one of the outcomes, so once none is in flight
 * requests = successes + failures + rate_limited + client_errors + cancelled.
 */
export class AccountStats {
  requests = 0;
  successes = 0;
  /** Failures that count against the account (5xx, timeouts, network, 401/403). */
  failures = 0;
  rateLimited = 0;
  /** Refusals the request's content caused (OCI 4xx, a model the region lacks): not the account's fault. */
  clientErrors = 0;
  /** The client left before the answer was complete. */
  cancelled = 0;
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
    this.clientErrors = totals.clientErrors ?? 0;
    this.cancelled = totals.cancelled ?? 0;
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
      client_errors: this.clientErrors,
      cancelled: this.cancelled,
      avg_latency_ms: this.successes ? round(this.latencySum / this.successes) : null,
      p95_latency_ms: p95 === null ? null : round(p95),
      last_error: this.lastError ? { kind: this.lastError.kind, message: this.lastError.message, at: new Date(this.lastError.at).toISOString() } : null,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
