import type { Clock } from "./clock";

const BUCKETS = 10;

/**
 * Success/failure counts over the last `windowMs`, in fixed buckets so recording is O(1)
 * and old outcomes age out without a timer.
 */
export class SlidingWindow {
  private readonly bucketMs: number;
  private readonly successes = new Array<number>(BUCKETS).fill(0);
  private readonly failures = new Array<number>(BUCKETS).fill(0);
  private readonly stamps = new Array<number>(BUCKETS).fill(-1);

  constructor(
    windowMs: number,
    private readonly clock: Clock,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / BUCKETS));
  }

  record(ok: boolean): void {
    const i = this.current();
    if (ok) this.successes[i]++;
    else this.failures[i]++;
  }

  totals(): { requests: number; failures: number; failureRate: number } {
    const oldest = Math.floor(this.clock.now() / this.bucketMs) - BUCKETS + 1;
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.stamps[i] < oldest) continue;
      ok += this.successes[i];
      failed += this.failures[i];
    }
    const requests = ok + failed;
    return { requests, failures: failed, failureRate: requests === 0 ? 0 : failed / requests };
  }

  clear(): void {
    this.stamps.fill(-1);
  }

  private current(): number {
    const stamp = Math.floor(this.clock.now() / this.bucketMs);
    const i = stamp % BUCKETS;
    if (this.stamps[i] !== stamp) {
      this.stamps[i] = stamp;
      this.successes[i] = 0;
      this.failures[i] = 0;
    }
    return i;
  }
}
