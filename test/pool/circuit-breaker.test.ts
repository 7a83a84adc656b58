/**
 * One account's circuit breaker on a hand-driven clock: when it opens, how long it stays
 * open, how many probes it lets through, and what closes it again.
 */
import type { CircuitBreakerConfig } from "../../shared/config/types";
import { CircuitBreaker, type BreakerPermit } from "../../shared/pool/circuit-breaker";
import { ManualClock } from "../../shared/pool/clock";
import { SlidingWindow } from "../../shared/pool/sliding-window";

const RESET_MS = 1_000;
const PROBE_TIMEOUT_MS = 5_000;

function breaker(overrides: Partial<CircuitBreakerConfig> = {}, probeTimeoutMs = PROBE_TIMEOUT_MS) {
  const clock = new ManualClock();
  const config: CircuitBreakerConfig = {
    maxFailures: 3,
    resetTimeoutMs: RESET_MS,
    failureRate: 0.5,
    minRequests: 10,
    windowMs: 60_000,
    halfOpenProbes: 1,
    ...overrides,
  };
  return { clock, cb: new CircuitBreaker(config, clock, probeTimeoutMs) };
}

/** What a half-open probe permit looks like. */
const PROBE = { probe: expect.any(Number) };

/** A call through the breaker: acquire, then report the outcome. */
function call(cb: CircuitBreaker, ok: boolean): BreakerPermit | undefined {
  const permit = cb.tryAcquire();
  if (permit) (ok ? cb.onSuccess(permit) : cb.onFailure(permit));
  return permit;
}

function tripOpen(cb: CircuitBreaker, failures = 3) {
  for (let i = 0; i < failures; i++) call(cb, false);
  expect(cb.state).toBe("open");
}

describe("closed → open", () => {
  test("opens after max_failures consecutive failures, not before", () => {
    const { cb } = breaker({ maxFailures: 3 });
    call(cb, false);
    call(cb, false);
    expect(cb.state).toBe("closed");
    expect(cb.tryAcquire()).toBe("normal");
    cb.onFailure("normal");
    expect(cb.state).toBe("open");
    expect(cb.stats()).toMatchObject({ state: "open", consecutive_failures: 3, trips: 1 });
  });

  test("a success in between resets the consecutive count", () => {
    const { cb } = breaker({ maxFailures: 3, minRequests: 1000 });
    for (let i = 0; i < 5; i++) {
      call(cb, false);
      call(cb, false);
      call(cb, true);
    }
    expect(cb.state).toBe("closed");
    expect(cb.stats().consecutive_failures).toBe(0);
  });

  test("rejects every call while open, and retryAfterMs counts down to the probe", () => {
    const { cb, clock } = breaker();
    tripOpen(cb);
    expect(cb.tryAcquire()).toBeUndefined();
    expect(cb.available).toBe(false);
    expect(cb.retryAfterMs()).toBe(RESET_MS);
    clock.advance(400);
    expect(cb.tryAcquire()).toBeUndefined();
    expect(cb.retryAfterMs()).toBe(RESET_MS - 400);
    clock.advance(RESET_MS - 400 - 1);
    expect(cb.state).toBe("open");
    expect(cb.retryAfterMs()).toBe(1);
    clock.advance(1);
    expect(cb.state).toBe("half_open");
    expect(cb.retryAfterMs()).toBe(0);
  });

  test("stats show when it opened and when the next probe may go", () => {
    const { cb, clock } = breaker();
    const openedAt = clock.now();
    tripOpen(cb);
    expect(cb.stats()).toMatchObject({
      opened_at: new Date(openedAt).toISOString(),
      next_probe_at: new Date(openedAt + RESET_MS).toISOString(),
    });
  });
});

describe("failure-rate trip", () => {
  test("alternating success/failure trips at the 10th call (min_requests = 10, failure_rate = 0.5)", () => {
    const { cb } = breaker({ maxFailures: 5, minRequests: 10, failureRate: 0.5 });
    for (let i = 1; i <= 9; i++) {
      call(cb, i % 2 === 1);
      expect(`${i}: ${cb.state}`).toBe(`${i}: closed`);
    }
    call(cb, false);
    expect(cb.state).toBe("open");
    expect(cb.stats()).toMatchObject({ window_requests: 10, window_failures: 5, failure_rate: 0.5 });
  });

  test("a failure rate over the threshold does not trip before min_requests calls were seen", () => {
    const { cb } = breaker({ maxFailures: 5, minRequests: 10, failureRate: 0.5 });
    // F S F S F S F S F: 5 of 9 failed (56 %), never two in a row.
    for (let i = 0; i < 9; i++) call(cb, i % 2 === 1);
    expect(cb.stats().failure_rate).toBeGreaterThan(0.5);
    expect(cb.state).toBe("closed");
    call(cb, false);
    expect(cb.state).toBe("open");
  });

  test("a failure rate under the threshold never trips", () => {
    const { cb } = breaker({ maxFailures: 5, minRequests: 10, failureRate: 0.5 });
    // S S F repeated: 33 % failures.
    for (let i = 0; i < 90; i++) call(cb, i % 3 !== 2);
    expect(cb.state).toBe("closed");
  });

  test("old outcomes age out of the window", () => {
    const { cb, clock } = breaker({ maxFailures: 100, minRequests: 10, failureRate: 0.5, windowMs: 10_000 });
    for (let i = 0; i < 9; i++) call(cb, false);
    expect(cb.stats()).toMatchObject({ window_requests: 9, window_failures: 9 });
    clock.advance(5_000);
    expect(cb.stats().window_requests).toBe(9);
    clock.advance(5_000);
    expect(cb.stats().window_requests).toBe(0);
    // Had the nine old failures still counted, this tenth one would trip the breaker.
    call(cb, false);
    expect(cb.state).toBe("closed");
    expect(cb.stats()).toMatchObject({ window_requests: 1, window_failures: 1 });
  });
});

describe("half-open", () => {
  test("lets exactly half_open_probes probes through and rejects the rest", () => {
    const { cb, clock } = breaker({ halfOpenProbes: 2 });
    tripOpen(cb);
    clock.advance(RESET_MS);
    expect(cb.available).toBe(true);
    expect(cb.tryAcquire()).toEqual(PROBE);
    expect(cb.tryAcquire()).toEqual(PROBE);
    expect(cb.available).toBe(false);
    expect(cb.tryAcquire()).toBeUndefined();
    expect(cb.tryAcquire()).toBeUndefined();
    expect(cb.state).toBe("half_open");
  });

  test("a probe success closes the breaker and forgets the past failures", () => {
    const { cb, clock } = breaker();
    tripOpen(cb);
    clock.advance(RESET_MS);
    expect(call(cb, true)).toEqual(PROBE);
    expect(cb.state).toBe("closed");
    expect(cb.stats()).toMatchObject({ consecutive_failures: 0, trips: 0, window_requests: 0, opened_at: null });
    expect(cb.tryAcquire()).toBe("normal");
  });

  test("a probe failure re-opens for twice as long each time, capped at 8 × reset_timeout", () => {
    const { cb, clock } = breaker();
    tripOpen(cb);
    const openTimes: number[] = [cb.retryAfterMs()];
    for (let round = 0; round < 5; round++) {
      clock.advance(cb.retryAfterMs());
      expect(cb.state).toBe("half_open");
      expect(call(cb, false)).toEqual(PROBE);
      expect(cb.state).toBe("open");
      openTimes.push(cb.retryAfterMs());
    }
    expect(openTimes).toEqual([1, 2, 4, 8, 8, 8].map((f) => f * RESET_MS));
    // It really stays shut for the whole longer time.
    clock.advance(8 * RESET_MS - 1);
    expect(cb.tryAcquire()).toBeUndefined();
    clock.advance(1);
    expect(cb.tryAcquire()).toEqual(PROBE);
  });

  test("after closing, the next trip starts again from reset_timeout", () => {
    const { cb, clock } = breaker();
    tripOpen(cb);
    clock.advance(RESET_MS);
    call(cb, false); // open for 2×
    clock.advance(2 * RESET_MS);
    call(cb, true); // closed
    tripOpen(cb);
    expect(cb.retryAfterMs()).toBe(RESET_MS);
  });

  test("a probe slot older than the probe timeout is freed for a new probe", () => {
    const { cb, clock } = breaker({ halfOpenProbes: 1 });
    tripOpen(cb);
    clock.advance(RESET_MS);
    expect(cb.tryAcquire()).toEqual(PROBE);
    clock.advance(PROBE_TIMEOUT_MS - 1);
    expect(cb.tryAcquire()).toBeUndefined();
    clock.advance(1);
    expect(cb.available).toBe(true);
    expect(cb.tryAcquire()).toEqual(PROBE);
  });

  test("a cancelled probe frees its slot at once", () => {
    const { cb, clock } = breaker({ halfOpenProbes: 1 });
    tripOpen(cb);
    clock.advance(RESET_MS);
    const probe = cb.tryAcquire()!;
    expect(probe).toEqual({ probe: expect.any(Number) });
    cb.onCancel(probe);
    expect(cb.state).toBe("half_open");
    expect(cb.tryAcquire()).toEqual(PROBE);
  });

  test("a call that started before the breaker opened cannot close it by succeeding", () => {
    const { cb } = breaker();
    const early = cb.tryAcquire()!;
    tripOpen(cb);
    cb.onSuccess(early);
    expect(cb.state).toBe("open");
  });

  // BUG (see report): a probe whose slot was given up after the probe timeout still has its
  // verdict applied when it finally ends. If another probe closed the breaker meanwhile,
  // this single late failure re-opens it (and a long stream used as a probe that breaks
  // minutes later re-opens a breaker that has been serving traffic since).
  test("a late verdict from a timed-out probe does not re-open a breaker another probe closed", () => {
    const { cb, clock } = breaker({ halfOpenProbes: 1 });
    tripOpen(cb);
    clock.advance(RESET_MS);
    const stale = cb.tryAcquire();
    expect(stale).toEqual(PROBE);
    clock.advance(PROBE_TIMEOUT_MS);
    expect(call(cb, true)).toEqual(PROBE);
    expect(cb.state).toBe("closed");
    cb.onFailure(stale!);
    expect(cb.state).toBe("closed");
  });
});

test("reset() closes an open breaker at once", () => {
  const { cb } = breaker();
  tripOpen(cb);
  cb.reset();
  expect(cb.state).toBe("closed");
  expect(cb.tryAcquire()).toBe("normal");
  expect(cb.stats()).toMatchObject({ consecutive_failures: 0, trips: 0 });
  // Fully reset: it takes max_failures new failures to open it again.
  call(cb, false);
  call(cb, false);
  expect(cb.state).toBe("closed");
});

describe("sliding window", () => {
  test("counts successes and failures of the last window only", () => {
    const clock = new ManualClock();
    const window = new SlidingWindow(1_000, clock);
    window.record(false);
    clock.advance(500);
    window.record(true);
    window.record(true);
    expect(window.totals()).toEqual({ requests: 3, failures: 1, failureRate: 1 / 3 });
    clock.advance(500);
    // The first failure is now a full window old.
    expect(window.totals()).toEqual({ requests: 2, failures: 0, failureRate: 0 });
    clock.advance(500);
    expect(window.totals()).toEqual({ requests: 0, failures: 0, failureRate: 0 });
  });

  test("a bucket reused after a full turn of the ring starts from zero", () => {
    const clock = new ManualClock();
    const window = new SlidingWindow(1_000, clock);
    for (let i = 0; i < 5; i++) window.record(false);
    clock.advance(1_000); // same ring slot, next lap
    window.record(true);
    expect(window.totals()).toEqual({ requests: 1, failures: 0, failureRate: 0 });
  });

  test("clear() forgets everything", () => {
    const clock = new ManualClock();
    const window = new SlidingWindow(1_000, clock);
    window.record(false);
    window.clear();
    expect(window.totals().requests).toBe(0);
    window.record(true);
    expect(window.totals()).toEqual({ requests: 1, failures: 0, failureRate: 0 });
  });
});
