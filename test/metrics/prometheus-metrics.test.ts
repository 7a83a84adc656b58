/**
 * GET /metrics: read with a real Prometheus text parser; counters move as the request-path
 * hooks are called; gauges follow a real pool (proxy + OCI simulators) through breaker
 * trips, auth failures, streams in flight and a queue.
 */
import { Hono } from "hono";
import { errorResponse } from "../../shared/http/error-response";
import { requireApiKey } from "../../shared/http/require-api-key";
import { metricsRoute } from "../../shared/metrics/metrics-route";
import { ProxyMetrics } from "../../shared/metrics/proxy-metrics";
import type { Stack } from "../helpers/stack";
import { histogram, parseExposition, sampleValue, type PromMetrics } from "../helpers/prometheus";
import { chat, startPoolStack, waitFor } from "../pool/pool-stack";

let stack: Stack;
let metrics: ProxyMetrics;
let app: Hono;

beforeAll(async () => {
  stack = await startPoolStack({ accounts: 3, settings: { retry_attempts: 3 }, breaker: { max_failures: 2, reset_timeout: "1s" }, accountKeys: () => ({ max_concurrency: 1 }) });
  const pool = stack.proxy.pool;
  metrics = new ProxyMetrics({ models: stack.config.models.keys(), accounts: pool.members.map((m) => m.id), pool });
  app = new Hono();
  app.route("/", metricsRoute({ metrics, auth: requireApiKey(stack.apiKey) }));
  app.onError((err) => errorResponse(err));
});
afterAll(() => stack.close());
afterEach(async () => {
  for (const sim of stack.sims) sim.setFaults(null);
  stack.proxy.pool.resetBreakers();
});

async function scrape(): Promise<PromMetrics> {
  const res = await app.request("/metrics", { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

const gauge = async (name: string, account?: string) => sampleValue(await scrape(), name, account ? { account } : {});

test("GET /metrics needs the API key and answers the Prometheus text format", async () => {
  expect((await app.request("/metrics")).status).toBe(401);
  expect((await app.request("/metrics", { headers: { authorization: "Bearer sk-wrong" } })).status).toBe(401);
  const res = await app.request("/metrics", { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
});

test("a public /metrics (metrics_public = true) answers without a key", async () => {
  const open = new Hono().route("/", metricsRoute({ metrics }));
  expect((await open.request("/metrics")).status).toBe(200);
});

test("every family of the issue is exposed with its type, plus Node's process metrics", async () => {
  const parsed = await scrape();
  const types = Object.fromEntries(Object.entries(parsed).map(([name, m]) => [name, m.type]));
  expect(types).toMatchObject({
    ociai_requests_total: "counter",
    ociai_request_duration_seconds: "histogram",
    ociai_time_to_first_token_seconds: "histogram",
    ociai_tokens_total: "counter",
    ociai_upstream_attempts_total: "counter",
    ociai_account_healthy: "gauge",
    ociai_breaker_state: "gauge",
    ociai_inflight: "gauge",
    ociai_queue_length: "gauge",
    process_cpu_user_seconds_total: "counter",
    process_resident_memory_bytes: "gauge",
    nodejs_eventloop_lag_seconds: "gauge",
  });
  // Attempt counters exist from the start (zero) for every account and outcome.
  expect(sampleValue(parsed, "ociai_upstream_attempts_total", { account: "acct3", outcome: "rate_limited" })).toBe(0);
});

test("request, time-to-first-token, token and attempt counters move as the hooks are called", async () => {
  const route = metrics.route("/v1/chat/completions", "grok-4");
  route.finished(200, 1_500);
  route.finished(200, 30);
  route.finished(429, 3);
  route.firstToken(420);
  route.tokens("acct2", 11, 7);
  route.tokens("acct2", 5, 0);
  metrics.attempt("acct1", "rate_limited");
  metrics.attempt("acct2", "ok");
  metrics.attempt("acct2", "ok");
  // Client text that is not a configured model never becomes a label value.
  metrics.route("/v1/chat/completions", "gpt-4-turbo-unconfigured").finished(404, 2);

  const parsed = await scrape();
  const chatLabels = { endpoint: "/v1/chat/completions", model: "grok-4" };
  expect(sampleValue(parsed, "ociai_requests_total", { ...chatLabels, status: "200" })).toBe(2);
  expect(sampleValue(parsed, "ociai_requests_total", { ...chatLabels, status: "429" })).toBe(1);
  expect(sampleValue(parsed, "ociai_requests_total", { endpoint: "/v1/chat/completions", model: "", status: "404" })).toBe(1);
  expect(JSON.stringify(parsed.ociai_requests_total.data)).not.toContain("gpt-4-turbo");

  const duration = histogram(parsed, "ociai_request_duration_seconds", chatLabels)!;
  expect(duration.count).toBe(3);
  expect(duration.sum).toBeCloseTo(1.533, 3);
  expect(duration.buckets["0.04"]).toBe(2); // 3 ms and 30 ms
  expect(duration.buckets["2.56"]).toBe(3);
  const ttft = histogram(parsed, "ociai_time_to_first_token_seconds", chatLabels)!;
  expect(ttft.count).toBe(1);
  expect(ttft.buckets["0.3"]).toBe(0);
  expect(ttft.buckets["0.5"]).toBe(1);

  expect(sampleValue(parsed, "ociai_tokens_total", { model: "grok-4", account: "acct2", kind: "prompt" })).toBe(16);
  expect(sampleValue(parsed, "ociai_tokens_total", { model: "grok-4", account: "acct2", kind: "completion" })).toBe(7);
  expect(sampleValue(parsed, "ociai_upstream_attempts_total", { account: "acct1", outcome: "rate_limited" })).toBe(1);
  expect(sampleValue(parsed, "ociai_upstream_attempts_total", { account: "acct2", outcome: "ok" })).toBe(2);
});

test("the breaker gauge follows a real breaker: closed 0, open 2, half-open 1, reset 0", async () => {
  expect(await gauge("ociai_breaker_state", "acct1")).toBe(0);
  stack.sims[0].setFaults({ status: 500 });
  for (let i = 0; i < 12 && stack.proxy.pool.members[0].breaker.state !== "open"; i++) await chat(stack);
  expect(stack.proxy.pool.members[0].breaker.state).toBe("open");
  const parsed = await scrape();
  expect(sampleValue(parsed, "ociai_breaker_state", { account: "acct1" })).toBe(2);
  expect(sampleValue(parsed, "ociai_breaker_state", { account: "acct2" })).toBe(0);

  await waitFor(() => stack.proxy.pool.members[0].breaker.state === "half_open", "the breaker to half-open", 3_000);
  expect(await gauge("ociai_breaker_state", "acct1")).toBe(1);
  stack.proxy.pool.resetBreakers("acct1");
  expect(await gauge("ociai_breaker_state", "acct1")).toBe(0);
});

test("an account OCI refuses with 401 shows ociai_account_healthy 0", async () => {
  stack.sims[1].setFaults({ status: 401 });
  for (let i = 0; i < 6 && stack.proxy.pool.members[1].health.healthy; i++) await chat(stack);
  const parsed = await scrape();
  expect(sampleValue(parsed, "ociai_account_healthy", { account: "acct2" })).toBe(0);
  expect(sampleValue(parsed, "ociai_account_healthy", { account: "acct1" })).toBe(1);
  stack.sims[1].setFaults(null);
  stack.proxy.pool.setHealth(stack.proxy.pool.members[1], true);
  expect(await gauge("ociai_account_healthy", "acct2")).toBe(1);
});

test("in-flight and queue gauges follow slow calls: 3 accounts at max_concurrency 1, 5 requests", async () => {
  for (const sim of stack.sims) sim.setFaults({ latencyMs: 800 });
  const pending = Array.from({ length: 5 }, () => chat(stack));
  await waitFor(async () => (await gauge("ociai_queue_length")) === 2, "two queued requests");
  const parsed = await scrape();
  for (const account of ["acct1", "acct2", "acct3"]) expect(sampleValue(parsed, "ociai_inflight", { account })).toBe(1);
  expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const after = await scrape();
  expect(sampleValue(after, "ociai_queue_length")).toBe(0);
  for (const account of ["acct1", "acct2", "acct3"]) expect(sampleValue(after, "ociai_inflight", { account })).toBe(0);
});
