/**
 * How the proxy spreads requests over accounts, per load_balance_strategy, counted where
 * they land: at each account's own OCI simulator.
 */
import type { Stack } from "../helpers/stack";
import { accountsStats, chat, simRequests, startPoolStack, waitFor } from "./pool-stack";

async function sequential(stack: Stack, n: number, extra: Record<string, unknown> = {}) {
  for (let i = 0; i < n; i++) {
    const res = await chat(stack, extra);
    expect(res.status).toBe(200);
  }
}

describe("round_robin", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { load_balance_strategy: "round_robin" }, accountKeys: (i) => ({ weight: [3, 2, 1][i] }) });
  });
  afterAll(() => stack.close());

  test("60 sequential requests split 20/20/20, weights ignored", async () => {
    await sequential(stack, 60);
    expect(simRequests(stack)).toEqual([20, 20, 20]);
    const stats = await accountsStats(stack);
    expect([stats.acct1.requests, stats.acct2.requests, stats.acct3.requests]).toEqual([20, 20, 20]);
    expect([stats.acct1.successes, stats.acct2.successes, stats.acct3.successes]).toEqual([20, 20, 20]);
  });

  test("streams are balanced the same way", async () => {
    for (const sim of stack.sims) sim.resetStats();
    await sequential(stack, 30, { stream: true });
    expect(simRequests(stack)).toEqual([10, 10, 10]);
  });
});

describe("weighted", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { load_balance_strategy: "weighted" }, accountKeys: (i) => ({ weight: [3, 2, 1][i] }) });
  });
  afterAll(() => stack.close());

  test("weights 3:2:1 give exactly 30/20/10 over 60 sequential requests", async () => {
    await sequential(stack, 60);
    expect(simRequests(stack)).toEqual([30, 20, 10]);
  });

  test("and any 6 consecutive requests follow 3:2:1 (interleaved, no bursts)", async () => {
    const order: number[] = [];
    for (let i = 0; i < 24; i++) {
      const before = simRequests(stack);
      expect((await chat(stack)).status).toBe(200);
      const after = simRequests(stack);
      order.push(after.findIndex((n, j) => n > before[j]));
    }
    const share = [3, 2, 1];
    for (let start = 0; start + 6 <= order.length; start++) {
      const counts = [0, 0, 0];
      for (const j of order.slice(start, start + 6)) counts[j]++;
      counts.forEach((c, j) => expect(c).toBeLessThanOrEqual(share[j]));
    }
  });
});

describe("least_connections", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { load_balance_strategy: "least_connections" } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sims.forEach((s) => s.setFaults(null)));

  test("12 concurrent long streams spread 4/4/4", async () => {
    for (const sim of stack.sims) sim.setFaults({ interChunkMs: 60 });
    const results = await Promise.all(Array.from({ length: 12 }, () => chat(stack, { stream: true })));
    expect(results.map((r) => r.status)).toEqual(new Array(12).fill(200));
    expect(simRequests(stack)).toEqual([4, 4, 4]);
    expect(stack.sims.map((s) => s.stats().maxInFlight)).toEqual([4, 4, 4]);
  });

  test("while two accounts hold long streams, short requests all go to the idle third", async () => {
    for (const sim of stack.sims) sim.resetStats();
    for (const sim of stack.sims) sim.setFaults({ interChunkMs: 120 });
    const streams = [chat(stack, { stream: true })];
    await waitFor(() => stack.sims.filter((s) => s.stats().inFlight === 1).length === 1, "the first stream to start");
    streams.push(chat(stack, { stream: true }));
    await waitFor(() => stack.sims.filter((s) => s.stats().inFlight === 1).length === 2, "the second stream to start");
    const idle = stack.sims.findIndex((s) => s.stats().inFlight === 0);
    const before = simRequests(stack);
    // Short, non-streamed answers (faults only slow streams down).
    for (let i = 0; i < 6; i++) expect((await chat(stack)).status).toBe(200);
    const after = simRequests(stack);
    expect(after.map((n, j) => n - before[j])).toEqual([0, 1, 2].map((j) => (j === idle ? 6 : 0)));
    // The streams were still running the whole time.
    expect(stack.sims.filter((s) => s.stats().inFlight === 1)).toHaveLength(2);
    for (const res of await Promise.all(streams)) expect(res.status).toBe(200);
  });
});
