/**
 * The rule: an outcome that one request's content caused never counts against an account —
 * no unhealthy mark, no breaker failure, no failure count — whatever OCI answered, and
 * whether or not the client stayed to hear it.
 */
import type { Stack } from "../helpers/stack";
import { TEST_MODELS } from "../helpers/write-config";
import { accountsStats, chat, postChat, proxyGet, startPoolStack, waitFor } from "./pool-stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startPoolStack({
    accounts: 3,
    // An embedding model first: probes must still chat with a chat model.
    models: { "embed-english": "cohere.embed-english-v3.0", ...TEST_MODELS },
    settings: { retry_attempts: 3 },
    breaker: { max_failures: 2, reset_timeout: "60s" },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims.forEach((s) => {
    s.setFaults(null);
    s.resetStats();
  });
});

/** Every account healthy, every breaker closed, no failure counted. */
async function expectAccountsUnharmed(): Promise<void> {
  const accounts = Object.values(await accountsStats(stack));
  for (const account of accounts) expect(account).toMatchObject({ healthy: true, breaker: "closed", failures: 0 });
}

test("the start-up health check probes with a chat model even when [MODELS] starts with an embedding model", async () => {
  await expectAccountsUnharmed();
  expect(stack.proxy.pool.members.every((m) => m.health.checkedAt !== undefined)).toBe(true);
});

test("a chat model sent to /v1/embeddings is a 400 naming the chat endpoint; OCI is not called", async () => {
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${stack.baseURL}/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "grok-4", input: "hello" }),
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toMatchObject({ type: "invalid_request_error", param: "model", code: "model_not_supported" });
    expect(error.message).toContain("/v1/chat/completions");
  }
  expect(stack.sims.map((s) => s.stats().requests)).toEqual([0, 0, 0]);
  await expectAccountsUnharmed();
});

test("an embedding model sent to chat is a 400 naming /v1/embeddings; OCI is not called", async () => {
  const res = await chat(stack, { model: "embed-english" });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ param: "model", code: "model_not_supported" });
  expect(res.body.error.message).toContain("/v1/embeddings");
  expect(stack.sims.map((s) => s.stats().requests)).toEqual([0, 0, 0]);
});

test("a model one account's region lacks (404 NotAuthorizedOrNotFound) fails over; the account is avoided for that model only, and stays healthy", async () => {
  stack.sims[0].setFaults({ status: 404, model: "xai.grok-4" });
  const lastModel = () => stack.sims[0].lastRequest()?.body?.servingMode?.modelId;
  for (let i = 0; i < 9; i++) expect((await chat(stack)).status).toBe(200);
  // Asked once, then left alone for grok-4: no retry spent on it for every third request.
  expect(stack.sims[0].stats().requests).toBe(1);
  expect(lastModel()).toBe("xai.grok-4");
  // Every other model still goes there.
  for (let i = 0; i < 3; i++) expect((await chat(stack, { model: "llama-3.3-70b" })).status).toBe(200);
  expect(stack.sims[0].stats().requests).toBe(2);
  expect(lastModel()).toBe("meta.llama-3.3-70b-instruct");
  await expectAccountsUnharmed();
  const accounts = await accountsStats(stack);
  expect(accounts.acct1).toMatchObject({ client_errors: 1, missing_models: ["xai.grok-4"] });
  expect(accounts.acct2.missing_models).toEqual([]);
});

test("a model every account answers 404 for: the client gets 502 naming both causes, no account is harmed", async () => {
  stack.sims.forEach((s) => s.setFaults({ status: 404 }));
  for (let i = 0; i < 5; i++) {
    const res = await chat(stack);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/region/);
    expect(res.body.error.message).toMatch(/IAM policy/);
  }
  await expectAccountsUnharmed();
  stack.sims.forEach((s) => s.setFaults(null));
  expect((await chat(stack)).status).toBe(200);
});

test("an OCI 400 for the request is not retried and harms nobody", async () => {
  stack.sims.forEach((s) => s.setFaults({ status: 400 }));
  for (let i = 0; i < 4; i++) expect((await chat(stack)).status).toBe(400);
  expect(stack.sims.reduce((sum, s) => sum + s.stats().requests, 0)).toBe(4);
  await expectAccountsUnharmed();
});

describe("a client that leaves", () => {
  const invariant = (a: any) => a.successes + a.failures + a.rate_limited + a.client_errors + a.cancelled;

  test("while OCI works on a non-streamed answer: cancelled, not a failure", async () => {
    stack.sims.forEach((s) => s.setFaults({ latencyMs: 2_000 }));
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const leaving = chat(stack, {}, { signal: controller.signal }).catch((err: Error) => err.name);
      await waitFor(() => stack.proxy.pool.stats().concurrency.global.in_flight === 1, "the call to be in flight");
      controller.abort();
      expect(await leaving).toBe("AbortError");
      await waitFor(() => stack.proxy.pool.idle, "the pool to settle");
    }
    await expectAccountsUnharmed();
    const accounts = Object.values(await accountsStats(stack));
    expect(accounts.reduce((sum, a) => sum + a.cancelled, 0)).toBe(3);
  });

  test("in the middle of a stream: cancelled, and requests = successes + failures + … + cancelled", async () => {
    stack.sims.forEach((s) => s.setFaults({ interChunkMs: 200 }));
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const res = await postChat(stack, { stream: true }, { signal: controller.signal });
      await res.body!.getReader().read();
      controller.abort();
      await waitFor(() => stack.proxy.pool.idle, "the pool to settle");
    }
    await expectAccountsUnharmed();
    for (const account of Object.values(await accountsStats(stack))) {
      expect(account.in_flight).toBe(0);
      expect(account.requests).toBe(invariant(account));
    }
    const { body } = await proxyGet(stack, "/stats");
    expect(body.circuit_breakers.every((b: any) => b.consecutive_failures === 0)).toBe(true);
  });
});
