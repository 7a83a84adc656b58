/**
 * Concurrency limits as the client and OCI see them: per-account max_concurrency is never
 * exceeded at the account, extra requests queue in order, and a full queue answers 429 at
 * once instead of hanging.
 */
import { postRaw } from "../helpers/sse";
import type { Stack } from "../helpers/stack";
import { HI, chat, postChat, proxyGet, startPoolStack, waitFor } from "./pool-stack";

describe("per-account max_concurrency", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { queue_size: 100 }, accountKeys: () => ({ max_concurrency: 2 }) });
  });
  afterAll(() => stack.close());

  test("30 concurrent streams: no account ever has more than 2 in flight, all are served, the rest waited", async () => {
    for (const sim of stack.sims) sim.setFaults({ interChunkMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => postRaw(`${stack.baseURL}/chat/completions`, stack.apiKey, { model: "grok-4", stream: true, messages: HI })),
    );
    for (const raw of results) {
      expect(raw.status).toBe(200);
      expect(raw.data.filter((d) => d === "[DONE]")).toHaveLength(1);
    }
    const sims = stack.sims.map((s) => s.stats());
    expect(sims.map((s) => s.maxInFlight)).toEqual([2, 2, 2]);
    expect(sims.reduce((sum, s) => sum + s.requests, 0)).toBe(30);
    // The simulators' own limit never had to refuse anything.
    expect(sims.map((s) => s.rejectedConcurrency)).toEqual([0, 0, 0]);

    const queue = await proxyGet(stack, "/stats/queue");
    expect(queue.status).toBe(200);
    expect(queue.body.total_waits).toBeGreaterThan(0);
    expect(queue.body).toMatchObject({ length: 0, capacity: 100, rejected_full: 0, timed_out: 0 });
    expect(queue.body.max_wait_ms).toBeGreaterThan(0);

    const concurrency = await proxyGet(stack, "/stats/concurrency");
    expect(concurrency.body.accounts).toEqual([
      { id: "acct1", in_flight: 0, limit: 2 },
      { id: "acct2", in_flight: 0, limit: 2 },
      { id: "acct3", in_flight: 0, limit: 2 },
    ]);
    expect(concurrency.body.global.in_flight).toBe(0);
  });
});

describe("a full queue", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { global_max_concurrency: 1, queue_size: 1 } });
  });
  afterAll(() => stack.close());

  test("answers 429 with Retry-After at once, before the slow requests complete", async () => {
    for (const sim of stack.sims) sim.setFaults({ latencyMs: 1_000 });
    const results = await Promise.all(Array.from({ length: 5 }, () => chat(stack)));
    const rejected = results.filter((r) => r.status === 429);
    const served = results.filter((r) => r.status === 200);
    expect(rejected.length).toBeGreaterThanOrEqual(3);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(rejected.length + served.length).toBe(5);
    for (const r of rejected) {
      expect(r.body.error).toMatchObject({ type: "rate_limit_error", code: "queue_full" });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Nothing hung behind the slow upstream: every 429 was in before the first 200.
    const firstServed = Math.min(...served.map((r) => r.at));
    for (const r of rejected) expect(r.at).toBeLessThan(firstServed);

    // The global limit held at the accounts too: one call at a time over all of them.
    expect(Math.max(...stack.sims.map((s) => s.stats().maxInFlight))).toBe(1);
    const queue = await proxyGet(stack, "/stats/queue");
    expect(queue.body.rejected_full).toBe(rejected.length);
  });
});

describe("clients that give up", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 2, settings: { global_max_concurrency: 1, queue_size: 1 } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sims.forEach((s) => s.setFaults(null)));

  test("a client that gives up while queued frees its place: the next request queues instead of getting queue_full", async () => {
    for (const sim of stack.sims) sim.setFaults({ latencyMs: 800 });
    const first = chat(stack);
    await waitFor(() => stack.proxy.pool.stats().concurrency.global.in_flight === 1, "the first request to be in flight");
    const controller = new AbortController();
    const quitter = chat(stack, {}, { signal: controller.signal }).catch((err: Error) => err.name);
    await waitFor(() => stack.proxy.pool.stats().queue.length === 1, "the second request to queue");
    controller.abort();
    expect(await quitter).toBe("AbortError");
    await waitFor(() => stack.proxy.pool.stats().queue.length === 0, "the queue to empty");

    const next = await chat(stack);
    expect(next.status).toBe(200);
    expect((await first).status).toBe(200);
    // The quitter never reached an account.
    expect(stack.sims.reduce((sum, s) => sum + s.stats().requests, 0)).toBe(2);
  });

  test("a client that abandons a stream frees the account's slot at once, and the upstream stream is closed", async () => {
    for (const sim of stack.sims) sim.resetStats();
    for (const sim of stack.sims) sim.setFaults({ interChunkMs: 300 });
    const controller = new AbortController();
    const res = await postChat(stack, { stream: true }, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect(stack.proxy.pool.stats().concurrency.global.in_flight).toBe(1);
    controller.abort();
    // Well before the stream would have ended on its own (≈ 14 events × 300 ms).
    await waitFor(() => stack.proxy.pool.stats().concurrency.global.in_flight === 0, "the slot to be freed", 2_000);
    await waitFor(() => stack.sims.every((s) => s.stats().inFlight === 0), "the upstream stream to close", 2_000);
    // With global_max_concurrency = 1, the freed slot is usable at once.
    for (const sim of stack.sims) sim.setFaults(null);
    expect((await chat(stack)).status).toBe(200);
  });
});
