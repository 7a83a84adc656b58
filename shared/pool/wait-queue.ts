import type { ClientSignal } from "./types";
import { RateLimitError } from "../openai/errors";

interface Waiter<T> {
  /** Tries to take a slot for this waiter; undefined = nothing free for it yet. */
  tryTake: () => T | undefined;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
  enqueuedAt: number;
  detach?: () => void;
}

/**
 * FIFO of requests waiting for a concurrency slot. Bounded: a full queue rejects at
 * once with 429, and every wait has a deadline, so nothing waits forever.
 */
export class WaitQueue<T> {
  private readonly waiters: Waiter<T>[] = [];
  private totalWaits = 0;
  private rejectedFull = 0;
  private timedOut = 0;
  private abandoned = 0;
  private waitedMs = 0;
  private maxWaitMs = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Waits until `tryTake` succeeds (see {@link drain}) or `timeoutMs` passes. */
  wait(tryTake: () => T | undefined, timeoutMs: number, signal?: ClientSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiters.length >= this.capacity) {
      this.rejectedFull++;
      return Promise.reject(new RateLimitError(`The proxy's request queue is full (${this.capacity} waiting). Retry shortly.`, 1, "queue_full"));
    }
    this.totalWaits++;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        tryTake,
        resolve,
        reject,
        enqueuedAt: performance.now(),
        timer: setTimeout(() => {
          this.remove(waiter);
          this.timedOut++;
          reject(new RateLimitError("Timed out waiting for a free upstream slot (request_timeout). Retry shortly.", 1, "queue_timeout"));
        }, Math.max(0, timeoutMs)),
      };
      const onAbort = () => {
        if (this.remove(waiter)) {
          this.abandoned++;
          reject(signal!.reason);
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.detach = () => signal?.removeEventListener("abort", onAbort);
      this.waiters.push(waiter);
    });
  }

  /** Hands freed capacity to waiters in arrival order. */
  drain(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i];
      const taken = waiter.tryTake();
      if (taken === undefined) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      clearTimeout(waiter.timer);
      waiter.detach?.();
      const waited = performance.now() - waiter.enqueuedAt;
      this.waitedMs += waited;
      this.maxWaitMs = Math.max(this.maxWaitMs, waited);
      waiter.resolve(taken);
    }
  }

  stats() {
    const served = this.totalWaits - this.timedOut - this.abandoned - this.waiters.length;
    return {
      length: this.waiters.length,
      capacity: this.capacity,
      total_waits: this.totalWaits,
      rejected_full: this.rejectedFull,
      timed_out: this.timedOut,
      abandoned: this.abandoned,
      avg_wait_ms: served > 0 ? Math.round((this.waitedMs / served) * 10) / 10 : 0,
      max_wait_ms: Math.round(this.maxWaitMs * 10) / 10,
    };
  }

  private remove(waiter: Waiter<T>): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    waiter.detach?.();
    return true;
  }
}
