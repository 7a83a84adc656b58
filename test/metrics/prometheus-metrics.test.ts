/**
 * GET /metrics of the real proxy (startStack: CLI server, OCI simulators), read with a real
 * Prometheus text parser while the official clients use every API: counters move with
 * requests, tokens, 429s, errors and cancels; gauges follow the pool through breaker
 * trips, auth failures, streams in flight and a queue.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { ProxyMetrics } from "../../shared/metrics/proxy-metrics";
import { startStack, type Stack } from "../helpers/stack";
import { histogram, parseExposition, sampleValue, type PromMetrics } from "../helpers/prometheus";
import { TEST_MODELS } from "../helpers/write-config";
import { chat, postChat, startPoolStack, waitFor } from "../pool/pool-stack";

const MODELS = { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" };
const ACCOUNTS = ["acct1", "acct2", "acct3"];
const HI = [{ role: "user" as const, content: "hi" }];

let stack: Stack;
let openai: OpenAI;

beforeAll(async () => {
  stack = await startPoolStack({
    accounts: 3,
    models: MODELS,
    settings: { retry_attempts: 3 },
    breaker: { max_failures: 2, reset_timeout: "1s" },
    accountKeys: () => ({ max_concurrency: 1 }),
  });
  openai = stack.client();
});
afterAll(() => stack.close());
afterEach(async () => {
  for (const sim of stack.sims) sim.setFaults(null);
  stack.proxy.pool.resetBreakers();
});

async function scrapeOf(target: Stack, key: string | null = target.apiKey): Promise<PromMetrics> {
  const res = await fetch(`${target.proxy.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}
const scrape = () => scrapeOf(stack);

const gauge = async (name: string, account?: string) => sampleValue(await scrape(), name, account ? { account } : {});

/** A counter summed over every series matching `labels` (0 when none). */
function total(metrics: PromMetrics, family: string, labels: Record<string, string> = {}): number {
  const data = (metrics[family]?.data ?? []) as { labels: Record<string, string>; value: number }[];
  return data.filter((d) => Object.entries(labels).every(([k, v]) => d.labels[k] === v)).reduce((sum, d) => sum + d.value, 0);
}
const count = (metrics: PromMetrics, family: string, labels: Record<string, string>) => histogram(metrics, family, labels)?.count ?? 0;
const attempts = (metrics: PromMetrics, outcome: string) => total(metrics, "ociai_upstream_attempts_total", { outcome });

test("GET /metrics needs the API key and answers the Prometheus text format", async () => {
  expect((await fetch(`${stack.proxy.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${stack.proxy.url}/metrics`, { headers: { authorization: "Bearer sk-wrong" } })).status).toBe(401);
  const res = await fetch(`${stack.proxy.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
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
  for (const account of ACCOUNTS) expect(sampleValue(parsed, "ociai_upstream_attempts_total", { account, outcome: "rate_limited" })).toBe(0);
});

test("every API counts its requests, durations, time to first token and tokens, from the official clients", async () => {
  const before = await scrape();
  const anthropic = new Anthropic({ baseURL: stack.proxy.url, apiKey: stack.apiKey, maxRetries: 0 });

  const whole = await openai.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 16 });
  let streamed: OpenAI.CompletionUsage | undefined;
  for await (const chunk of await openai.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 16, stream: true, stream_options: { include_usage: true } })) {
    streamed = chunk.usage ?? streamed;
  }
  const response = await openai.responses.stream({ model: "grok-4", input: "hi", max_output_tokens: 16 }).finalResponse();
  const message = await anthropic.messages.stream({ model: "grok-4", max_tokens: 16, messages: HI }).finalMessage();
  const embedded = await openai.embeddings.create({ model: "embed-english", input: ["one", "two"] });
  await anthropic.messages.countTokens({ model: "grok-4", messages: HI });
  // A model name outside [MODELS] is client text: counted under model="" only.
  await expect(openai.chat.completions.create({ model: "gpt-4-turbo-unknown", messages: HI })).rejects.toMatchObject({ status: 404 });
  await expect(new OpenAI({ baseURL: stack.baseURL, apiKey: "sk-wrong", maxRetries: 0 }).chat.completions.create({ model: "grok-4", messages: HI })).rejects.toMatchObject({ status: 401 });

  const after = await scrape();
  const delta = (family: string, labels: Record<string, string>) => total(after, family, labels) - total(before, family, labels);
  const grok = (endpoint: string) => ({ endpoint, model: "grok-4" });
  for (const endpoint of ["/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1/messages/count_tokens"]) {
    expect(delta("ociai_requests_total", { ...grok(endpoint), status: "200" })).toBe(endpoint === "/v1/chat/completions" ? 2 : 1);
  }
  expect(delta("ociai_requests_total", { endpoint: "/v1/embeddings", model: "embed-english", status: "200" })).toBe(1);
  expect(delta("ociai_requests_total", { endpoint: "/v1/chat/completions", model: "", status: "404" })).toBe(1);
  expect(delta("ociai_requests_total", { endpoint: "/v1/chat/completions", model: "", status: "401" })).toBe(1);
  expect(JSON.stringify(after.ociai_requests_total.data)).not.toContain("gpt-4-turbo");

  expect(count(after, "ociai_request_duration_seconds", grok("/v1/chat/completions")) - count(before, "ociai_request_duration_seconds", grok("/v1/chat/completions"))).toBe(2);
  // Time to first token: the three streaming doors, not the whole answer.
  const ttft = (endpoint: string) => count(after, "ociai_time_to_first_token_seconds", grok(endpoint)) - count(before, "ociai_time_to_first_token_seconds", grok(endpoint));
  expect([ttft("/v1/chat/completions"), ttft("/v1/responses"), ttft("/v1/messages")]).toEqual([1, 1, 1]);

  // Tokens as OCI reported them (and the clients received them), whichever account served.
  const prompt = whole.usage!.prompt_tokens + streamed!.prompt_tokens + response.usage!.input_tokens + message.usage.input_tokens;
  const completion = whole.usage!.completion_tokens + streamed!.completion_tokens + response.usage!.output_tokens + message.usage.output_tokens;
  expect(delta("ociai_tokens_total", { model: "grok-4", kind: "prompt" })).toBe(prompt);
  expect(delta("ociai_tokens_total", { model: "grok-4", kind: "completion" })).toBe(completion);
  expect(delta("ociai_tokens_total", { model: "embed-english", kind: "prompt" })).toBe(embedded.usage.prompt_tokens);
  // One upstream call each: chat twice, responses, messages, embeddings (count_tokens calls none).
  expect(attempts(after, "ok") - attempts(before, "ok")).toBe(5);
});

test("per key: requests and tokens carry the caller's key id (admin for the admin key), refusals too; histograms do not; team keys may not scrape", async () => {
  const adminHeaders = { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" };
  const made = await fetch(`${stack.proxy.url}/admin/keys`, { method: "POST", headers: adminHeaders, body: JSON.stringify({ name: "metrics-team", models: ["grok-4"] }) });
  const { id, key } = (await made.json()) as { id: string; key: string };
  const gone = await (await fetch(`${stack.proxy.url}/admin/keys`, { method: "POST", headers: adminHeaders, body: JSON.stringify({ name: "metrics-gone" }) })).json();
  await fetch(`${stack.proxy.url}/admin/keys/${gone.id}`, { method: "DELETE", headers: adminHeaders });
  const team = stack.client({ apiKey: key });
  const before = await scrape();

  const byTeam = await team.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 16 });
  let streamedByTeam: OpenAI.CompletionUsage | undefined;
  for await (const chunk of await team.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 16, stream: true, stream_options: { include_usage: true } })) {
    streamedByTeam = chunk.usage ?? streamedByTeam;
  }
  const byAdmin = await openai.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 16 });
  // Refused: a model outside the key's list (403), a revoked key (401, under its id), an unknown key (401, key="").
  await expect(team.chat.completions.create({ model: "grok-3-mini", messages: HI })).rejects.toMatchObject({ status: 403 });
  await expect(stack.client({ apiKey: gone.key }).chat.completions.create({ model: "grok-4", messages: HI })).rejects.toMatchObject({ status: 401 });
  await expect(stack.client({ apiKey: "sk-oci-unknown" }).chat.completions.create({ model: "grok-4", messages: HI })).rejects.toMatchObject({ status: 401 });

  const res = await fetch(`${stack.proxy.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  const text = await res.text();
  const after = await parseExposition(text);
  const delta = (family: string, labels: Record<string, string>) => total(after, family, labels) - total(before, family, labels);
  const chats = { endpoint: "/v1/chat/completions" };
  expect(delta("ociai_requests_total", { ...chats, model: "grok-4", status: "200", key: id })).toBe(2);
  expect(delta("ociai_requests_total", { ...chats, model: "grok-4", status: "200", key: "admin" })).toBe(1);
  expect(delta("ociai_requests_total", { ...chats, model: "grok-3-mini", status: "403", key: id })).toBe(1);
  expect(delta("ociai_requests_total", { ...chats, status: "401", key: gone.id })).toBe(1);
  expect(delta("ociai_requests_total", { ...chats, status: "401", key: "" })).toBe(1);
  const tokens = (key: string, kind: string) => delta("ociai_tokens_total", { model: "grok-4", kind, key });
  expect(tokens(id, "prompt")).toBe(byTeam.usage!.prompt_tokens + streamedByTeam!.prompt_tokens);
  expect(tokens(id, "completion")).toBe(byTeam.usage!.completion_tokens + streamedByTeam!.completion_tokens);
  expect(tokens("admin", "completion")).toBe(byAdmin.usage!.completion_tokens);
  // Latency per key is not a label (each key would multiply the buckets): one series per endpoint and model.
  for (const family of ["ociai_request_duration_seconds", "ociai_time_to_first_token_seconds"]) {
    expect((after[family].data as { labels: Record<string, string> }[]).some((d) => "key" in d.labels)).toBe(false);
  }
  expect(count(after, "ociai_request_duration_seconds", { ...chats, model: "grok-4" }) - count(before, "ociai_request_duration_seconds", { ...chats, model: "grok-4" })).toBe(3);
  // Ids only: never a key itself, never the unknown key's text.
  for (const secret of [key, gone.key, "sk-oci-unknown", stack.apiKey]) expect(text).not.toContain(secret);

  const teamScrape = await fetch(`${stack.proxy.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  expect(teamScrape.status).toBe(403);
  expect((await teamScrape.json()).error.code).toBe("admin_key_required");
});

test("429s, 5xx and the client's own 400s are counted per attempt, each under its outcome", async () => {
  const before = await scrape();
  // Every account answers its next call with 429: three attempts, then a 429 to the client.
  for (const sim of stack.sims) sim.setFaults({ status: 429, retryAfterSeconds: 0, times: 1 });
  expect((await chat(stack)).status).toBe(429);
  for (const sim of stack.sims) sim.setFaults({ status: 500, times: 1 });
  expect((await chat(stack)).status).toBe(502);
  // A 400 the request caused: no retry, and not an error of the account.
  for (const sim of stack.sims) sim.setFaults({ status: 400, times: 1 });
  expect((await chat(stack)).status).toBe(400);

  const after = await scrape();
  const delta = (outcome: string) => attempts(after, outcome) - attempts(before, outcome);
  expect([delta("rate_limited"), delta("error"), delta("client_error"), delta("ok")]).toEqual([3, 3, 1, 0]);
  const status = (code: string) => total(after, "ociai_requests_total", { status: code }) - total(before, "ociai_requests_total", { status: code });
  expect([status("429"), status("502"), status("400")]).toEqual([1, 1, 1]);
});

test("a client that leaves is a cancelled attempt, and its time to first token is when the first chunk went out", async () => {
  const before = await scrape();
  // Left while waiting for OCI's headers: 499, the attempt cancelled (not held against the account).
  for (const sim of stack.sims) sim.setFaults({ latencyMs: 400, times: 1 });
  const early = new AbortController();
  const pending = postChat(stack, {}, { signal: early.signal }).catch(() => undefined);
  await waitFor(() => stack.proxy.pool.members.some((m) => m.inFlight > 0), "the upstream call");
  early.abort();
  await pending;
  await waitFor(async () => attempts(await scrape(), "cancelled") - attempts(before, "cancelled") === 1, "the cancelled attempt");
  const mid = await scrape();
  expect(total(mid, "ociai_requests_total", { endpoint: "/v1/chat/completions", status: "499" }) - total(before, "ociai_requests_total", { status: "499" })).toBe(1);

  // Left in the middle of a stream whose first event took 300 ms.
  for (const sim of stack.sims) sim.setFaults({ ttftMs: 300, interChunkMs: 150, times: 1 });
  const stream = await openai.chat.completions.create({ model: "grok-4", messages: HI, max_tokens: 64, stream: true });
  for await (const _chunk of stream) break;
  await waitFor(async () => attempts(await scrape(), "cancelled") - attempts(mid, "cancelled") === 1, "the cancelled stream");
  const after = await scrape();
  const labels = { endpoint: "/v1/chat/completions", model: "grok-4" };
  const ttft = histogram(after, "ociai_time_to_first_token_seconds", labels)!;
  const ttftBefore = histogram(mid, "ociai_time_to_first_token_seconds", labels);
  expect(ttft.count - (ttftBefore?.count ?? 0)).toBe(1);
  expect(ttft.sum! - (ttftBefore?.sum ?? 0)).toBeGreaterThanOrEqual(0.3);
  expect(attempts(after, "error") - attempts(before, "error")).toBe(0);
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
  const reset = await fetch(`${stack.proxy.url}/admin/circuit-breaker/reset`, { method: "POST", headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(reset.status).toBe(200);
  expect(await gauge("ociai_breaker_state", "acct1")).toBe(0);
});

test("an account OCI refuses with 401 shows ociai_account_healthy 0 and auth attempts", async () => {
  stack.sims[1].setFaults({ status: 401 });
  for (let i = 0; i < 6 && stack.proxy.pool.members[1].health.healthy; i++) await chat(stack);
  const parsed = await scrape();
  expect(sampleValue(parsed, "ociai_account_healthy", { account: "acct2" })).toBe(0);
  expect(sampleValue(parsed, "ociai_account_healthy", { account: "acct1" })).toBe(1);
  expect(sampleValue(parsed, "ociai_upstream_attempts_total", { account: "acct2", outcome: "auth" })).toBeGreaterThanOrEqual(1);
  stack.sims[1].setFaults(null);
  stack.proxy.pool.setHealth(stack.proxy.pool.members[1], true);
  expect(await gauge("ociai_account_healthy", "acct2")).toBe(1);
});

test("in-flight and queue gauges follow slow calls: 3 accounts at max_concurrency 1, 5 requests", async () => {
  for (const sim of stack.sims) sim.setFaults({ latencyMs: 800 });
  const pending = Array.from({ length: 5 }, () => chat(stack));
  await waitFor(async () => (await gauge("ociai_queue_length")) === 2, "two queued requests");
  const parsed = await scrape();
  for (const account of ACCOUNTS) expect(sampleValue(parsed, "ociai_inflight", { account })).toBe(1);
  expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const after = await scrape();
  expect(sampleValue(after, "ociai_queue_length")).toBe(0);
  for (const account of ACCOUNTS) expect(sampleValue(after, "ociai_inflight", { account })).toBe(0);
});

describe("metrics_public = true, force_non_stream = true", () => {
  let open: Stack;
  beforeAll(async () => {
    open = await startStack({ settings: { metrics_public: true, force_non_stream: true } });
  });
  afterAll(() => open.close());

  test("/metrics answers without a key (and /stats still needs one)", async () => {
    await scrapeOf(open, null);
    expect((await fetch(`${open.proxy.url}/stats`)).status).toBe(401);
  });

  test("a whole answer replayed as a stream has its time to first token and its tokens counted", async () => {
    const before = await scrapeOf(open);
    const response = await open.client().responses.stream({ model: "grok-4", input: "hi", max_output_tokens: 16 }).finalResponse();
    const after = await scrapeOf(open);
    const labels = { endpoint: "/v1/responses", model: "grok-4" };
    expect(count(after, "ociai_time_to_first_token_seconds", labels) - count(before, "ociai_time_to_first_token_seconds", labels)).toBe(1);
    const tokens = (m: PromMetrics) => total(m, "ociai_tokens_total", { model: "grok-4", account: "default", kind: "completion" });
    expect(tokens(after) - tokens(before)).toBe(response.usage!.output_tokens);
  });
});

test("histogram buckets: durations on the doubling series, time to first token finer below 2 s", async () => {
  const metrics = new ProxyMetrics({ models: ["grok-4"], accounts: [], processMetrics: false });
  const route = metrics.route("/v1/chat/completions", "grok-4");
  for (const ms of [3, 30, 1_500]) route.finished(200, ms);
  route.firstToken(420);
  const parsed = await parseExposition((await metrics.render()).body);
  const labels = { endpoint: "/v1/chat/completions", model: "grok-4" };
  const duration = histogram(parsed, "ociai_request_duration_seconds", labels)!;
  expect(duration.sum).toBeCloseTo(1.533, 3);
  expect([duration.buckets["0.04"], duration.buckets["2.56"]]).toEqual([2, 3]);
  const ttft = histogram(parsed, "ociai_time_to_first_token_seconds", labels)!;
  expect([ttft.buckets["0.3"], ttft.buckets["0.5"]]).toEqual([0, 1]);
});
