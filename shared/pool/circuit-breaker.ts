import type { CircuitBreakerConfig } from "../config/types";
import type { Clock } from "./clock";
import { SlidingWindow } from "./sliding-window";

export type BreakerState = "closed" | "open" | "half_open";

/** The part of a breaker that instances share (serverless) and stats show. */
export interface BreakerSnapshot {
  state: "closed" | "open";
  consecutiveFailures: number;
  /** Times it opened in a row without closing; grows the open time. */
  trips: number;
  openedAt?: number;
  /** When an open breaker lets its first probe through. */
  openUntil?: number;
}

/**
 * What a call got from the breaker: a normal pass, or one of the half-open probe slots
 * (identified, so a probe's late verdict after its slot expired cannot flip the breaker).
 */
export type BreakerPermit = "normal" | { probe: number };

/** Open time doubles on each trip in a row, up to this many times reset_timeout. */
const MAX_OPEN_FACTOR = 8;

/**
 * Per-account circuit breaker. CLOSED → OPEN after `maxFailures` consecutive failures,
 * or when the failure rate over the window reaches `failureRate` with at least
 * `minRequests` calls. OPEN → HALF_OPEN after the open time; there, at most
 * `halfOpenProbes` probes go through: a success closes, a failure re-opens for longer.
 *
 * @example
 *   const permit = breaker.tryAcquire();   // "normal" | { probe } | undefined
 *   if (permit) { ...call...; ok ? breaker.onSuccess(permit) : breaker.onFailure(permit); }
 */
export class CircuitBreaker {
  private snap: BreakerSnapshot = { state: "closed", consecutiveFailures: 0, trips: 0 };
  private readonly window: SlidingWindow;
  /** Probes in flight (id → start time); one older than the probe timeout is forgotten. */
  private probes = new Map<number, number>();
  private nextProbeId = 1;

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly clock: Clock,
    private readonly probeTimeoutMs: number,
  ) {
    this.window = new SlidingWindow(config.windowMs, clock);
  }

  get state(): BreakerState {
    if (this.snap.state === "closed") return "closed";
    return this.clock.now() >= (this.snap.openUntil ?? 0) ? "half_open" : "open";
  }

  /** Whether a call may go now, and as what; undefined = rejected (open, or probes busy). */
  tryAcquire(): BreakerPermit | undefined {
    const state = this.state;
    if (state === "closed") return "normal";
    if (state === "open" || !this.probeSlotFree()) return undefined;
    const probe = this.nextProbeId++;
    this.probes.set(probe, this.clock.now());
    return { probe };
  }

  /** Whether tryAcquire would let a call through, without reserving anything. */
  get available(): boolean {
    const state = this.state;
    return state === "closed" || (state === "half_open" && this.probeSlotFree());
  }

  onSuccess(permit: BreakerPermit): void {
    this.window.record(true);
    if (this.endProbe(permit)) {
      this.close();
      return;
    }
    this.snap.consecutiveFailures = 0;
  }

  onFailure(permit: BreakerPermit): void {
    this.window.record(false);
    if (this.endProbe(permit)) {
      this.open();
      return;
    }
    if (this.snap.state === "open") return;
    this.snap.consecutiveFailures++;
    const { requests, failureRate } = this.window.totals();
    const rateTripped = requests >= this.config.minRequests && failureRate >= this.config.failureRate;
    if (this.snap.consecutiveFailures >= this.config.maxFailures || rateTripped) this.open();
  }

  /** A call that ended without a verdict (client went away): frees its probe slot. */
  onCancel(permit: BreakerPermit): void {
    this.endProbe(permit);
  }

  reset(): void {
    this.close();
  }

  /** Milliseconds until an open breaker lets a probe through (0 when not open). */
  retryAfterMs(): number {
    return this.state === "open" ? (this.snap.openUntil ?? 0) - this.clock.now() : 0;
  }

  stats() {
    const { requests, failures, failureRate } = this.window.totals();
    return {
      state: this.state,
      consecutive_failures: this.snap.consecutiveFailures,
      window_requests: requests,
      window_failures: failures,
      failure_rate: Math.round(failureRate * 1000) / 1000,
      trips: this.snap.trips,
      opened_at: this.snap.openedAt ? new Date(this.snap.openedAt).toISOString() : null,
      next_probe_at: this.snap.openUntil && this.snap.state === "open" ? new Date(this.snap.openUntil).toISOString() : null,
    };
  }

  snapshot(): BreakerSnapshot {
    return { ...this.snap };
  }

  /** Adopts state another instance published (serverless shared state). */
  restore(snapshot: BreakerSnapshot): void {
    this.snap = { ...snapshot };
    if (snapshot.state === "closed") this.probes.clear();
  }

  /**
   * Ends a probe; true only if it is still the breaker's live probe (a probe whose slot
   * expired, or that outlived a close or re-open, counts as an ordinary call).
   */
  private endProbe(permit: BreakerPermit): boolean {
    if (permit === "normal") return false;
    return this.probes.delete(permit.probe) && this.state === "half_open";
  }

  private probeSlotFree(): boolean {
    const now = this.clock.now();
    for (const [id, startedAt] of this.probes) if (now - startedAt >= this.probeTimeoutMs) this.probes.delete(id);
    return this.probes.size < this.config.halfOpenProbes;
  }

  private open(): void {
    const now = this.clock.now();
    const trips = this.snap.trips + 1;
    const openMs = this.config.resetTimeoutMs * Math.min(2 ** (trips - 1), MAX_OPEN_FACTOR);
    this.snap = { state: "open", consecutiveFailures: this.snap.consecutiveFailures, trips, openedAt: now, openUntil: now + openMs };
    this.probes.clear();
  }

  private close(): void {
    this.snap = { state: "closed", consecutiveFailures: 0, trips: 0 };
    this.probes.clear();
    this.window.clear();
  }
}
