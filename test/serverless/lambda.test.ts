/**
 * The BUILT Lambda bundles (dist/aws/<fn>/index.js) under a harness that behaves like the
 * Node.js runtime (streamifyResponse, HttpResponseStream prelude, streaming rules), fed
 * both API Gateway REST (v1) and Function URL (v2) events, in front of two accounts whose
 * simulators verify every request signature.
 */
import {
  apiGatewayRestEvent,
  decodeProxyResult,
  expectInvocationSucceeded,
  functionUrlEvent,
  loadLambdaBundle,
  measureColdInitInFreshProcess,
  sseData,
  type EventBuilder,
  type LambdaBundle,
  type StreamingInvocation,
} from "../harness/lambda-runtime";
import { builtBundle, startServerlessFixture, type ServerlessFixture } from "../harness/serverless-fixture";

let fx: ServerlessFixture;
const initTimes: Array<{ bundle: string; events: string; initMs: number; firstInvokeMs?: number; warmInvokeMs?: number }> = [];
const freshProcessInit: string[] = [];
const hi = [{ role: "user", content: "hi" }];

beforeAll(async () => {
  // Fail fast with a readable message when the bundles were not built.
  for (const fn of ["chat", "models", "test-oci", "health-check"]) builtBundle(`dist/aws/${fn}/index.js`);
  fx = await startServerlessFixture();
});

afterAll(async () => {
  await fx?.close();
  if (initTimes.length) {
    console.log(
      "Lambda bundle cold start (module init; first vs warm invocation):\n" +
        initTimes
          .map((t) => `  ${t.bundle.padEnd(10)} ${t.events.padEnd(24)} init ${t.initMs.toFixed(1)} ms` + (t.firstInvokeMs !== undefined ? `, first invoke ${t.firstInvokeMs.toFixed(1)} ms, warm ${t.warmInvokeMs?.toFixed(1)} ms` : ""))
          .join("\n") +
        (freshProcessInit.length ? `\nModule init in a fresh Node process (a real cold start's init phase):\n${freshProcessInit.join("\n")}` : ""),
    );
  }
});

beforeEach(() => fx.resetSims());

function load(fn: string, events: string): LambdaBundle {
  const bundle = loadLambdaBundle(builtBundle(`dist/aws/${fn}/index.js`), { env: fx.env });
  initTimes.push({ bundle: fn, events, initMs: bundle.initMs });
  return bundle;
}

function errorBody(text: string): { type: string; code: string | null; message: string; param: string | null } {
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  return body.error;
}

function chunks(res: StreamingInvocation): any[] {
  return sseData(res.bodyText)
    .filter((d) => d !== "[DONE]")
    .map((d) => JSON.parse(d));
}

describe.each<[string, EventBuilder]>([
  ["API Gateway REST (v1)", apiGatewayRestEvent],
  ["Function URL (v2)", functionUrlEvent],
])("chat and models bundles behind %s", (label, event) => {
  let chat: LambdaBundle;
  let models: LambdaBundle;
  let fresh: LambdaBundle | undefined;

  const auth = () => ({ Authorization: `Bearer ${fx.apiKey}`, "Content-Type": "application/json" });
  const chatEvent = (body: unknown, headers: Record<string, string> = auth()) =>
    event({ method: "POST", path: "/v1/chat/completions", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

  beforeAll(() => {
    chat = load("chat", label);
    models = load("models", label);
  });
  afterAll(() => {
    chat?.dispose();
    models?.dispose();
    fresh?.dispose();
  });

  test("the chat bundle exports a streaming handler, the models bundle a buffered one", () => {
    expect(chat.streaming).toBe(true);
    expect(models.streaming).toBe(false);
  });

  test("chat, non-stream: 200 and a chat.completion after the prelude", async () => {
    const t0 = performance.now();
    const res = await chat.invokeStreaming(chatEvent({ model: "grok-4", messages: hi }));
    const firstInvokeMs = performance.now() - t0;
    expectInvocationSucceeded(res);
    expect(res.contentType).toBe("application/vnd.awslambda.http-integration-response");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.cookies).toEqual([]);
    // The wire format: JSON prelude, 8 NULs, then the body.
    const delimiter = res.raw.indexOf(Buffer.alloc(8));
    expect(JSON.parse(res.raw.subarray(0, delimiter).toString())).toMatchObject({ statusCode: 200 });
    expect(res.writes[0].kind).toBe("prelude");
    const completion = JSON.parse(res.bodyText);
    expect(completion).toMatchObject({ object: "chat.completion", model: "grok-4", choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }] });
    expect(completion.choices[0].message.content.length).toBeGreaterThan(0);
    expect(completion.usage.total_tokens).toBeGreaterThan(0);
    // Signed with a real account key, verified by the simulator.
    expect(fx.sims.reduce((n, s) => n + s.stats().requests, 0)).toBe(1);
    expect(fx.sims.reduce((n, s) => n + s.stats().rejectedSignature, 0)).toBe(0);

    const t1 = performance.now();
    expectInvocationSucceeded(await chat.invokeStreaming(chatEvent({ model: "grok-4", messages: hi })));
    const entry = initTimes.find((t) => t.bundle === "chat" && t.events === label)!;
    entry.firstInvokeMs = firstInvokeMs;
    entry.warmInvokeMs = performance.now() - t1;
  });

  test("chat, stream: text/event-stream written incrementally, exactly one [DONE]", async () => {
    for (const sim of fx.sims) sim.setFaults({ interChunkMs: 15 });
    const res = await chat.invokeStreaming(chatEvent({ model: "grok-4", stream: true, messages: hi }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    const data = sseData(res.bodyText);
    expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
    expect(data[data.length - 1]).toBe("[DONE]");
    const parsed = chunks(res);
    expect(parsed.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(parsed.map((c) => c.choices[0]?.delta?.content ?? "").join("").length).toBeGreaterThan(0);
    expect(parsed[parsed.length - 1].choices[0].finish_reason).toBe("stop");
    // Streamed, not buffered: several body writes spread over time, the first well before the end.
    expect(res.bodyWrites.length).toBeGreaterThan(2);
    expect(res.timing.firstBodyByteMs!).toBeLessThan(res.timing.lastBodyByteMs!);
    expect(res.timing.lastBodyByteMs! - res.timing.firstBodyByteMs!).toBeGreaterThan(50);
    expect(res.timing.endCalledMs!).toBeGreaterThanOrEqual(res.timing.lastBodyByteMs!);
  });

  test.each([
    ["/v1/responses", { model: "grok-4", stream: true, store: false, input: "hi" }, "event: response.created\n", /event: response\.completed\n[^\n]*\n\n$/],
    ["/v1/messages", { model: "grok-4", stream: true, max_tokens: 64, messages: hi }, "event: message_start\n", /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/],
  ])("the chat bundle streams %s too, event by event", async (path, body, first, last) => {
    for (const sim of fx.sims) sim.setFaults({ interChunkMs: 15 });
    const res = await chat.invokeStreaming(event({ method: "POST", path, headers: { "x-api-key": fx.apiKey, "content-type": "application/json" }, body: JSON.stringify(body) }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.bodyText.startsWith(first)).toBe(true);
    expect(res.bodyText).toMatch(last);
    expect(res.bodyWrites.length).toBeGreaterThan(2);
    expect(res.timing.lastBodyByteMs! - res.timing.firstBodyByteMs!).toBeGreaterThan(50);
  });

  test("chat, stream with include_usage: a usage chunk with empty choices before [DONE]", async () => {
    const res = await chat.invokeStreaming(chatEvent({ model: "grok-4", stream: true, stream_options: { include_usage: true }, messages: hi }));
    expectInvocationSucceeded(res);
    const data = sseData(res.bodyText);
    expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
    const parsed = chunks(res);
    const withUsage = parsed.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]).toBe(parsed[parsed.length - 1]);
    expect(withUsage[0].choices).toEqual([]);
    expect(withUsage[0].usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) });
  });

  test("a base64-encoded body (binary media type / Function URL encoding) is decoded", async () => {
    const body = JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: "héllo ✓" }] });
    const res = await chat.invokeStreaming(event({ method: "POST", path: "/v1/chat/completions", headers: auth(), body, base64: true }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.bodyText).object).toBe("chat.completion");
    const sent = fx.sims.map((s) => s.lastRequest()).find(Boolean)!;
    expect(JSON.stringify(sent.body.chatRequest.messages)).toContain("héllo ✓");
  });

  test("no API key: 401 in the prelude, OpenAI error body, nothing sent upstream", async () => {
    const res = await chat.invokeStreaming(chatEvent({ model: "grok-4", messages: hi }, { "Content-Type": "application/json" }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(errorBody(res.bodyText).type).toBe("authentication_error");
    expect(fx.sims.reduce((n, s) => n + s.stats().requests, 0)).toBe(0);
  });

  test("malformed JSON: 400 invalid_request_error", async () => {
    const res = await chat.invokeStreaming(chatEvent('{"model": "grok-4", "messages": ['));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(400);
    const error = errorBody(res.bodyText);
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toMatch(/JSON/);
  });

  test("unknown model: 404 model_not_found", async () => {
    const res = await chat.invokeStreaming(chatEvent({ model: "gpt-5", messages: hi }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(404);
    expect(errorBody(res.bodyText)).toMatchObject({ code: "model_not_found", param: "model" });
  });

  test("a CORS preflight (no body) still writes once: 204 with the prelude and an empty body", async () => {
    const res = await chat.invokeStreaming(
      event({ method: "OPTIONS", path: "/v1/chat/completions", headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization" } }),
    );
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.body.length).toBe(0);
  });

  test("a stream that breaks mid-way ends with an error event, no [DONE], and a properly ended stream", async () => {
    for (const sim of fx.sims) sim.setFaults({ dropAfterEvents: 3, interChunkMs: 5 });
    const res = await chat.invokeStreaming(chatEvent({ model: "grok-4", stream: true, messages: hi }));
    expectInvocationSucceeded(res); // ended, finished, no rule broken
    expect(res.statusCode).toBe(200);
    const data = sseData(res.bodyText);
    expect(data).not.toContain("[DONE]");
    expect(data.length).toBeGreaterThan(1);
    const last = JSON.parse(data[data.length - 1]);
    expect(last.error).toMatchObject({ type: "upstream_error" });
    expect(res.timing.finishedMs).toBeDefined();
  });

  test("upstream 429 on every account: 429 with retry-after in the prelude (status kept before the first byte)", async () => {
    // A fresh instance: the cooldown this causes must not leak into the other tests.
    fresh = load("chat", `${label} (fresh)`);
    for (const sim of fx.sims) sim.setFaults({ status: 429, retryAfterSeconds: 7 });
    const res = await fresh.invokeStreaming(chatEvent({ model: "grok-4", stream: true, messages: hi }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(errorBody(res.bodyText).type).toBe("rate_limit_error");
    expect(res.bodyWrites.length).toBeGreaterThan(0);
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]); // failed over, then gave up
    // Both accounts now cool down: the instance answers 429 itself, without calling OCI.
    const again = await fresh.invokeStreaming(chatEvent({ model: "grok-4", stream: true, messages: hi }));
    expectInvocationSucceeded(again);
    expect(again.statusCode).toBe(429);
    expect(errorBody(again.bodyText).code).toBe("all_accounts_rate_limited");
    expect(Number(again.headers["retry-after"])).toBeGreaterThanOrEqual(6);
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]);
  });

  test("models bundle: GET /v1/models with the key lists the configured models", async () => {
    const result = await models.invokeBuffered(event({ method: "GET", path: "/v1/models", headers: { Authorization: `Bearer ${fx.apiKey}` } }));
    if (label.includes("v1")) expect(result.multiValueHeaders).toBeDefined();
    const res = decodeProxyResult(result);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const list = JSON.parse(res.body);
    expect(list.object).toBe("list");
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(["grok-4", "llama-3.3-70b", "command-r-plus"]));
    expect(list.data[0]).toMatchObject({ object: "model", owned_by: expect.any(String) });
  });

  test("models bundle: /v1/models without the key is a 401", async () => {
    const res = decodeProxyResult(await models.invokeBuffered(event({ method: "GET", path: "/v1/models" })));
    expect(res.statusCode).toBe(401);
    expect(errorBody(res.body).type).toBe("authentication_error");
  });

  test("models bundle: /health needs no key", async () => {
    const res = decodeProxyResult(await models.invokeBuffered(event({ method: "GET", path: "/health" })));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: "ok", mode: "multi", accounts: { total: 2, enabled: 2, healthy: 2 } });
  });

  test("models bundle: /stats/accounts with the key", async () => {
    const res = decodeProxyResult(
      await models.invokeBuffered(event({ method: "GET", path: "/stats/accounts", resource: "/stats/{proxy+}", headers: { Authorization: `Bearer ${fx.apiKey}` } })),
    );
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.accounts).toHaveLength(2);
    expect(body.accounts.map((a: { id: string }) => a.id).sort()).toEqual(["acct1", "acct2"]);
  });

  test("what the functions printed is structured JSON with no start-up failure", () => {
    const lines = [...chat.logs, ...models.logs].map((l) => l.text).join("").split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.some((l) => l.includes("start-up failed"))).toBe(false);
  });
});

describe("test-oci and health-check bundles (plain invokes)", () => {
  let testOci: LambdaBundle;
  let healthCheck: LambdaBundle;
  beforeAll(() => {
    testOci = load("test-oci", "plain invoke");
    healthCheck = load("health-check", "scheduled invoke");
  });
  afterAll(() => {
    testOci?.dispose();
    healthCheck?.dispose();
  });

  test("returns a result per account, every one ok", async () => {
    const t0 = performance.now();
    const result = await testOci.invokeBuffered({});
    initTimes.find((t) => t.bundle === "test-oci")!.firstInvokeMs = performance.now() - t0;
    expect(result).toMatchObject({ healthy: 2, total: 2 });
    expect(result.accounts).toHaveLength(2);
    for (const account of result.accounts) expect(account).toMatchObject({ ok: true, status: 200, latency_ms: expect.any(Number), model: expect.any(String) });
    expect(result.accounts.map((a: { account: string }) => a.account).sort()).toEqual(["acct1", "acct2"]);
    // One signed 1-token probe per account.
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]);
    expect(fx.sims.map((s) => s.lastRequest()!.body.chatRequest.maxTokens)).toEqual([1, 1]);
    const t1 = performance.now();
    await testOci.invokeBuffered({});
    initTimes.find((t) => t.bundle === "test-oci")!.warmInvokeMs = performance.now() - t1;
  });

  test("health-check (EventBridge Scheduler event) probes every account and reports", async () => {
    const scheduled = { version: "0", id: "e-1", "detail-type": "Scheduled Event", source: "aws.scheduler", account: "123456789012", time: new Date().toISOString(), region: "us-east-1", resources: [], detail: {} };
    const result = await healthCheck.invokeBuffered(scheduled);
    expect(result).toMatchObject({ healthy: 2, total: 2 });
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]);
  });
});

test("cold start indicator: module init of each bundle in a fresh Node process (measured, not asserted)", async () => {
  for (const fn of ["chat", "models", "test-oci", "health-check"]) {
    const ms = await measureColdInitInFreshProcess(builtBundle(`dist/aws/${fn}/index.js`), fx.env);
    freshProcessInit.push(`  ${fn.padEnd(12)} ${ms.toFixed(1)} ms`);
    expect(ms).toBeGreaterThan(0);
  }
});

describe("a chat instance whose start-up fails", () => {
  let broken: LambdaBundle;
  beforeAll(() => {
    // Loaded after the other instances were disposed: env is process-wide in the harness.
    broken = loadLambdaBundle(builtBundle("dist/aws/chat/index.js"), { env: { ...fx.env, OCIAI_CONFIG_FILE: `${fx.dir}/missing.conf` } });
  });
  afterAll(() => broken?.dispose());

  test("answers 500 in OpenAI's error shape (the invocation itself succeeds) and logs why", async () => {
    const res = await broken.invokeStreaming(functionUrlEvent({ method: "POST", path: "/v1/chat/completions", headers: { authorization: `Bearer ${fx.apiKey}` }, body: JSON.stringify({ model: "grok-4", messages: hi }) }));
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(500);
    expect(errorBody(res.bodyText).type).toBe("server_error");
    expect(res.logs.map((l) => l.text).join("")).toContain("missing.conf");
  });
});
