/**
 * Every breaker open → fast 503 without touching OCI; the admin reset and the stats
 * endpoints, and who may call them.
 */
import type { Stack } from "../helpers/stack";
import { chat, proxyGet, startPoolStack } from "./pool-stack";

const STATS_PATHS = ["/stats", "/stats/accounts", "/stats/concurrency", "/stats/circuit-breaker", "/stats/queue"];

function resetBreakers(stack: Stack, query = "", key: string | null = stack.apiKey) {
  return fetch(`${stack.proxy.url}/admin/circuit-breaker/reset${query}`, { method: "POST", headers: key ? { authorization: `Bearer ${key}` } : {} });
}

async function breakerStates(stack: Stack): Promise<Record<string, string>> {
  const { body } = await proxyGet(stack, "/stats/circuit-breaker");
  return Object.fromEntries(body.circuit_breakers.map((b: any) => [b.id, b.state]));
}

describe("every account's breaker open", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 3, settings: { retry_attempts: 3 }, breaker: { max_failures: 2, reset_timeout: "60s" } });
  });
  afterAll(() => stack.close());

  test("the proxy answers 503 all_breakers_open with Retry-After, without calling any account", async () => {
    for (const sim of stack.sims) sim.setFaults({ status: 500 });
    for (let i = 0; i < 10 && Object.values(await breakerStates(stack)).some((s) => s !== "open"); i++) {
      expect((await chat(stack)).status).toBe(502);
    }
    expect(await breakerStates(stack)).toEqual({ acct1: "open", acct2: "open", acct3: "open" });

    for (const sim of stack.sims) sim.resetStats();
    const res = await chat(stack);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ type: "upstream_error", code: "all_breakers_open" });
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(stack.sims.map((s) => s.stats().requests)).toEqual([0, 0, 0]);
  });

  test("POST /admin/circuit-breaker/reset needs the API key", async () => {
    expect((await resetBreakers(stack, "", null)).status).toBe(401);
    expect((await resetBreakers(stack, "", "sk-wrong")).status).toBe(401);
    expect(await breakerStates(stack)).toEqual({ acct1: "open", acct2: "open", acct3: "open" });
  });

  test("?account=<id> closes only that account's breaker; an unknown id is a 404", async () => {
    const one = await resetBreakers(stack, "?account=acct2");
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ reset: ["acct2"] });
    expect(await breakerStates(stack)).toEqual({ acct1: "open", acct2: "closed", acct3: "open" });

    const unknown = await resetBreakers(stack, "?account=nope");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ type: "not_found_error", code: "account_not_found" });
  });

  test("without ?account every breaker closes, and traffic flows again", async () => {
    const all = await resetBreakers(stack);
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({ reset: ["acct1", "acct2", "acct3"] });
    expect(await breakerStates(stack)).toEqual({ acct1: "closed", acct2: "closed", acct3: "closed" });
    for (const sim of stack.sims) sim.setFaults(null);
    for (let i = 0; i < 3; i++) expect((await chat(stack)).status).toBe(200);
  });

  test("the stats endpoints need the API key", async () => {
    for (const path of STATS_PATHS) {
      expect(`${path} ${(await proxyGet(stack, path, null)).status}`).toBe(`${path} 401`);
      expect(`${path} ${(await proxyGet(stack, path, "sk-wrong")).status}`).toBe(`${path} 401`);
      expect(`${path} ${(await proxyGet(stack, path)).status}`).toBe(`${path} 200`);
    }
  });
});

describe("stats_public = true", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPoolStack({ accounts: 2, settings: { stats_public: true } });
  });
  afterAll(() => stack.close());

  test("the stats endpoints answer without a key", async () => {
    for (const path of STATS_PATHS) expect(`${path} ${(await proxyGet(stack, path, null)).status}`).toBe(`${path} 200`);
    const { body } = await proxyGet(stack, "/stats/accounts", null);
    expect(body.accounts.map((a: any) => a.id)).toEqual(["acct1", "acct2"]);
  });

  test("but the admin reset still needs the key", async () => {
    expect((await resetBreakers(stack, "", null)).status).toBe(401);
    expect((await resetBreakers(stack)).status).toBe(200);
  });

  test("and so does chat", async () => {
    const res = await fetch(`${stack.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
  });
});
