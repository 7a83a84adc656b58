/**
 * A token bucket for retries: every request earns `ratio` of a retry, every retry spends
 * one. During a wide outage retries stop at about `ratio` × traffic instead of
 * multiplying the load on OCI by `retry_attempts`.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio = 0.2,
    private readonly capacity = 100,
    /** Starting balance, so a quiet proxy can still retry its first failures. */
    initial = 10,
  ) {
    this.tokens = initial;
  }

  onRequest(): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.ratio);
  }

  tryRetry(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get balance(): number {
    return this.tokens;
  }
}

/** Capped exponential backoff with jitter: 20, 40, 80 … ms, at most 1 s, each 50–100 %. */
export function backoffMs(retry: number, random = Math.random): number {
  const ceiling = Math.min(1_000, 20 * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
