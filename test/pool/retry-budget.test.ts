/** The retry budget (retries stay a fraction of traffic) and the backoff between retries. */
import { RetryBudget, backoffMs } from "../../shared/pool/retry-budget";
import { mulberry32 as seededRandom } from "../helpers/random";

describe("retry budget", () => {
  test("a quiet proxy can retry its first failures (initial balance), then must stop", () => {
    const budget = new RetryBudget(0.2, 100, 10);
    for (let i = 0; i < 10; i++) expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    expect(budget.tryRetry()).toBe(false);
  });

  test("once spent, retries are limited to about ratio × requests", () => {
    const budget = new RetryBudget(0.2, 100, 10);
    while (budget.tryRetry());
    // 500 requests each failing once: at most 20 % of them get their retry.
    let retried = 0;
    for (let i = 0; i < 500; i++) {
      budget.onRequest();
      if (budget.tryRetry()) retried++;
    }
    expect(retried).toBeGreaterThanOrEqual(99);
    expect(retried).toBeLessThanOrEqual(100);
  });

  test("the balance is capped, so a long quiet spell does not buy an unbounded retry storm", () => {
    const budget = new RetryBudget(0.2, 100, 10);
    for (let i = 0; i < 10_000; i++) budget.onRequest();
    expect(budget.balance).toBe(100);
    let retried = 0;
    while (budget.tryRetry()) retried++;
    expect(retried).toBe(100);
  });

  test("the defaults are 20 % of traffic with 10 retries to start", () => {
    const budget = new RetryBudget();
    expect(budget.balance).toBe(10);
    for (let i = 0; i < 5; i++) budget.onRequest();
    expect(budget.balance).toBeCloseTo(11, 10);
  });
});

describe("backoff", () => {
  const ceilings = [20, 40, 80, 160, 320, 640, 1_000, 1_000, 1_000];

  test("doubles per retry from 20 ms and is capped at 1 s", () => {
    ceilings.forEach((ceiling, i) => {
      // random() → 1 (just under): the top of the range is the ceiling.
      expect(backoffMs(i + 1, () => 0.999_999_999)).toBeCloseTo(ceiling, 3);
      expect(backoffMs(i + 1, () => 0)).toBe(ceiling / 2);
    });
    expect(backoffMs(50, () => 0.5)).toBe(750);
  });

  test("always lies within [ceiling/2, ceiling] (seeded random and Math.random)", () => {
    const random = seededRandom(99);
    for (let i = 0; i < 2_000; i++) {
      const retry = 1 + (i % ceilings.length);
      const ceiling = ceilings[retry - 1];
      for (const value of [backoffMs(retry, random), backoffMs(retry)]) {
        if (value < ceiling / 2 || value > ceiling) throw new Error(`retry ${retry}: ${value} outside [${ceiling / 2}, ${ceiling}]`);
      }
    }
  });

  test("is jittered: retries at the same step do not all wait the same time", () => {
    const random = seededRandom(1);
    const values = new Set(Array.from({ length: 50 }, () => backoffMs(3, random)));
    expect(values.size).toBeGreaterThan(40);
  });
});
