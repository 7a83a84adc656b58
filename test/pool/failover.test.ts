/**
 * Failover as a client sees it: one account failing (5xx, 429, 401, a stream refused
 * before its first byte) while the others answer, over real sockets.
 */
import type OpenAI from "openai";
import { postRaw } from "../helpers/sse";
import type { Stack } from "../helpers/stack";
import { HI, accountsStats, chat, proxyGet, runConcurrently, startPoolStack, waitFor } from "./pool-stack";

describe("an account answering 500", () => {
  const MAX_FAILURES = 3;
  const CONCURRENCY = 10;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { retry_attempts: 3 }, breaker: { max_failures: MAX_FAILURES, reset_timeout: "60s" } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.sims.forEach((s) => {
      s.setFaults(null);
      s.resetStats();
    });
    stack.proxy.pool.resetBreakers();
  });

  test("300 requests at concurrency 10: no client sees an error, and the account's breaker opens after a handful", async () => {
    stack.sims[0].setFaults({ status: 500 });
    const statuses = await runConcurrently(300, CONCURRENCY, async () => (await chat(stack)).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const { status, body } = await proxyGet(stack, "/stats/circuit-breaker");
    expect(status).toBe(200);
    const breakers = Object.fromEntries(body.circuit_breakers.map((b: any) => [b.id, b]));
    expect(breakers.acct1.state).toBe("open");
    expect(breakers.acct2.state).toBe("closed");
    expect(breakers.acct3.state).toBe("closed");

    // It saw max_failures failures, plus at most the calls already on their way to it
    // when the breaker opened; then nothing more (no probe within reset_timeout).
    const failedAccount = stack.sims[0].stats().requests;
    expect(failedAccount).toBeGreaterThanOrEqual(MAX_FAILURES);
    expect(failedAccount).toBeLessThanOrEqual(MAX_FAILURES + CONCURRENCY - 1);
    expect(stack.sims[1].stats().requests + stack.sims[2].stats().requests).toBe(300);

    const accounts = await accountsStats(stack);
    expect(accounts.acct1).toMatchObject({ breaker: "open", failures: failedAccount, successes: 0 });
    expect(accounts.acct1.last_error.message).toMatch(/500/);
  });

  test("a stream refused before its first byte (503) is served by another account, with exactly one [DONE]", async () => {
    stack.sims[0].setFaults({ status: 503 });
    for (let i = 0; i < 3; i++) {
      const raw = await postRaw(`${stack.baseURL}/chat/completions`, stack.apiKey, { model: "grok-4", stream: true, messages: HI });
      expect(raw.status).toBe(200);
      expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(raw.data.filter((d) => d === "[DONE]")).toHaveLength(1);
      expect(raw.data[raw.data.length - 1]).toBe("[DONE]");
      const chunks = raw.data.slice(0, -1).map((d) => JSON.parse(d));
      expect(chunks.some((c) => "error" in c)).toBe(false);
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toContain("hi");
    }
    // Round robin sent at least one of the three to the refusing account first.
    expect(stack.sims[0].stats().requests).toBeGreaterThanOrEqual(1);
    expect((await accountsStats(stack)).acct1.last_error.message).toMatch(/503/);
  });

  test("a stream that breaks after its first byte is not retried: error event, no [DONE], one upstream call", async () => {
    stack.sims[0].setFaults({ dropAfterEvents: 3 });
    const failuresBefore = (await accountsStats(stack)).acct1.failures;
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await postRaw(`${stack.baseURL}/chat/completions`, stack.apiKey, { model: "grok-4", stream: true, messages: HI }));
    // Round robin: one stream each, and no stream was sent twice.
    expect(stack.sims.map((s) => s.stats().requests)).toEqual([1, 1, 1]);
    const broken = results.filter((r) => !r.data.includes("[DONE]"));
    expect(broken).toHaveLength(1);
    expect(broken[0].status).toBe(200);
    expect(JSON.parse(broken[0].data[broken[0].data.length - 1]).error.type).toBe("upstream_error");
    // It counts against the account.
    expect((await accountsStats(stack)).acct1.failures - failuresBefore).toBe(1);
  });

  test("OCI's own 504 GatewayTimeout is a timeout failure and fails over like a 5xx", async () => {
    stack.sims[0].setFaults({ status: 504 });
    for (let i = 0; i < 6; i++) expect((await chat(stack)).status).toBe(200);
    expect(stack.sims[0].stats().requests).toBeGreaterThanOrEqual(1);
    expect((await accountsStats(stack)).acct1.last_error.kind).toBe("timeout");
  });

  test("the openai client streams through the same failover", async () => {
    stack.sims[0].setFaults({ status: 503 });
    const client = stack.client();
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({ model: "grok-4", stream: true, messages: HI as OpenAI.Chat.ChatCompletionMessageParam[] });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      expect(text).toContain("hi");
    }
    expect(stack.sims[0].stats().requests).toBeGreaterThanOrEqual(1);
  });
});

describe("an account answering 429 with Retry-After", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3 });
  });
  afterAll(() => stack.close());

  test("cools down for Retry-After: every request is served by the others, and /stats/accounts shows it", async () => {
    stack.sims[0].setFaults({ status: 429, retryAfterSeconds: 30 });
    const startedAt = Date.now();
    for (let i = 0; i < 30; i++) expect((await chat(stack)).status).toBe(200);
    expect(stack.sims[0].stats().requests).toBe(1);
    expect(stack.sims[1].stats().requests + stack.sims[2].stats().requests).toBe(30);

    const acct1 = (await accountsStats(stack)).acct1;
    expect(acct1.rate_limited).toBe(1);
    expect(acct1.failures).toBe(0);
    expect(acct1.breaker).toBe("closed");
    expect(acct1.cooldown_reason).toMatch(/429/);
    const until = Date.parse(acct1.cooling_down_until);
    expect(until).toBeGreaterThanOrEqual(startedAt + 30_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 30_000);
  });

  test("when every account is rate limited the client gets 429 with Retry-After, then 429s without OCI being called", async () => {
    // acct1 is still cooling down from the previous test.
    for (const sim of stack.sims) sim.resetStats();
    stack.sims[1].setFaults({ status: 429, retryAfterSeconds: 8 });
    stack.sims[2].setFaults({ status: 429, retryAfterSeconds: 8 });
    const first = await chat(stack);
    expect(first.status).toBe(429);
    expect(first.body.error.type).toBe("rate_limit_error");
    expect(first.headers.get("retry-after")).toBe("8");
    expect(stack.sims.map((s) => s.stats().requests)).toEqual([0, 1, 1]);

    const second = await chat(stack);
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe("all_accounts_rate_limited");
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(6);
    expect(retryAfter).toBeLessThanOrEqual(8);
    expect(stack.sims.map((s) => s.stats().requests)).toEqual([0, 1, 1]);
  });
});

describe("every account briefly rate limited (OCI's concurrency 429s: Retry-After 1)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 2 });
  });
  afterAll(() => stack.close());

  test("a request arriving during the cooldown waits it out in the queue and is served, instead of a 429", async () => {
    for (const sim of stack.sims) sim.setFaults({ status: 429, retryAfterSeconds: 1, times: 1 });
    const first = await chat(stack);
    expect(first.status).toBe(429);
    const startedAt = performance.now();
    const second = await chat(stack);
    expect(second.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThan(500);
    expect((await proxyGet(stack, "/stats/queue")).body.total_waits).toBeGreaterThanOrEqual(1);
  });
});

describe("an account answering 401 (bad key or signature)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { health_check_interval: "250ms" } });
  });
  afterAll(() => stack.close());

  test("is marked unhealthy with the reason, traffic goes to the others, and a passing health check restores it", async () => {
    stack.sims[0].setFaults({ status: 401 });
    for (let i = 0; i < 12; i++) expect((await chat(stack)).status).toBe(200);

    let accounts = await accountsStats(stack);
    expect(accounts.acct1.healthy).toBe(false);
    expect(accounts.acct1.health_reason).toMatch(/authentication/i);
    // At most the one request that discovered it (the health check may have been first).
    expect(accounts.acct1.requests).toBeLessThanOrEqual(1);
    expect(accounts.acct2.successes + accounts.acct3.successes).toBe(12);
    const health = await fetch(`${stack.proxy.url}/health`).then((r) => r.json());
    expect(health.accounts).toMatchObject({ total: 3, enabled: 3, healthy: 2 });

    stack.sims[0].setFaults(null);
    await waitFor(async () => (await accountsStats(stack)).acct1.healthy === true, "acct1 to be healthy again", 5_000);
    accounts = await accountsStats(stack);
    expect(accounts.acct1.health_reason).toBeNull();
    const before = accounts.acct1.requests;
    for (let i = 0; i < 6; i++) expect((await chat(stack)).status).toBe(200);
    expect((await accountsStats(stack)).acct1.requests - before).toBe(2);
  });
});

describe("an account that hangs", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({
      accounts: 2,
      settings: { retry_attempts: 2, request_timeout: "1s", non_stream_timeout: "1s", load_balance_strategy: "round_robin" },
    });
  });
  afterAll(() => stack.close());

  test("costs one attempt of the timeout, then the request fails over to another account", async () => {
    stack.sims[0].setFaults({ latencyMs: 4_000 });
    const results = await Promise.all([chat(stack), chat(stack)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(stack.sims[1].stats().requests).toBe(2);
  });
});
