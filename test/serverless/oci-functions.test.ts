/**
 * The BUILT OCI Functions bundles (dist/oci/<fn>/func.js) as real FDK processes, called over
 * their unix socket exactly as Fn does: `POST /call` with the HTTP request in `Fn-Http-*`
 * headers (OCI API Gateway) or as a plain `fn invoke`. Functions do not stream: a stream
 * request gets its whole SSE body at once.
 */
import { startFnContainer, type FnContainer } from "../harness/fn-container";
import { sseData } from "../harness/lambda-runtime";
import { builtBundle, startServerlessFixture, type ServerlessFixture } from "../harness/serverless-fixture";

let fx: ServerlessFixture;
const containers: Record<string, FnContainer> = {};
const timings: string[] = [];
const hi = [{ role: "user", content: "hi" }];

beforeAll(async () => {
  const files = Object.fromEntries(["chat", "models", "test-oci", "health-check"].map((fn) => [fn, builtBundle(`dist/oci/${fn}/func.js`)]));
  fx = await startServerlessFixture();
  await Promise.all(
    Object.entries(files).map(async ([fn, file]) => {
      containers[fn] = await startFnContainer(file, { env: fx.env });
    }),
  );
  for (const [fn, c] of Object.entries(containers)) timings.push(`  ${fn.padEnd(10)} process start → socket ready ${c.startupMs.toFixed(0)} ms`);
}, 20_000);

afterAll(async () => {
  await Promise.all(Object.values(containers).map((c) => c.close()));
  await fx?.close();
  if (timings.length) console.log(`OCI Functions containers (node func.js, 4 started in parallel on this machine):\n${timings.join("\n")}`);
});

beforeEach(() => fx.resetSims());

const auth = () => ({ Authorization: `Bearer ${fx.apiKey}`, "Content-Type": "application/json" });
const postChat = (body: unknown, headers: Record<string, string> = auth()) =>
  containers.chat.gateway({ method: "POST", url: "/v1/chat/completions", headers, body: JSON.stringify(body) });

describe("chat function behind OCI API Gateway", () => {
  test("non-stream: Fn-Http-Status 200 and a chat.completion", async () => {
    const t0 = performance.now();
    const res = await postChat({ model: "grok-4", messages: hi });
    timings.push(`  chat       first call ${(performance.now() - t0).toFixed(0)} ms`);
    expect(res.raw.statusCode).toBe(200);
    expect(res.raw.headers["fn-http-status"]).toBe("200");
    expect(res.raw.headers["fn-fdk-version"]).toMatch(/^fdk-node\//);
    expect(res.contentType).toMatch(/^application\/json/);
    const completion = JSON.parse(res.text);
    expect(completion).toMatchObject({ object: "chat.completion", model: "grok-4", choices: [{ message: { role: "assistant" }, finish_reason: "stop" }] });
    expect(completion.choices[0].message.content.length).toBeGreaterThan(0);
    expect(fx.sims.reduce((n, s) => n + s.stats().requests, 0)).toBe(1);
    expect(fx.sims.reduce((n, s) => n + s.stats().rejectedSignature, 0)).toBe(0);
    const t1 = performance.now();
    expect((await postChat({ model: "grok-4", messages: hi })).status).toBe(200);
    timings.push(`  chat       warm call ${(performance.now() - t1).toFixed(0)} ms`);
  });

  test("stream: the whole SSE body at once, text/event-stream, exactly one [DONE]", async () => {
    const res = await postChat({ model: "grok-4", stream: true, stream_options: { include_usage: true }, messages: hi });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const data = sseData(res.text);
    expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
    expect(data[data.length - 1]).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("").length).toBeGreaterThan(0);
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  test("each API request is one flat JSON line of kind ociai.request for OCI Logging, with its tokens and timings", async () => {
    const from = containers.chat.output().length;
    const res = await postChat({ model: "grok-4", stream: true, stream_options: { include_usage: true }, messages: hi });
    const usage = JSON.parse(sseData(res.text).slice(-2)[0]).usage;
    let lines: any[] = [];
    for (let i = 0; i < 50 && lines.length === 0; i++) {
      lines = containers.chat.output().slice(from).split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)).filter((d) => d.kind === "ociai.request");
      if (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "request",
      endpoint: "/v1/chat/completions",
      model: "grok-4",
      status: 200,
      failed: false,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      attempts: 1,
    });
    expect(lines[0].ttft_ms).toBeLessThanOrEqual(lines[0].latency_ms);
    expect(lines[0]._aws).toBeUndefined();
  });

  test("no API key: Fn-Http-Status 401 with an OpenAI error body", async () => {
    const res = await postChat({ model: "grok-4", messages: hi }, { "Content-Type": "application/json" });
    expect(res.raw.statusCode).toBe(200); // the function answered; the HTTP status travels in Fn-Http-Status
    expect(res.status).toBe(401);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.text).error.type).toBe("authentication_error");
    expect(fx.sims.reduce((n, s) => n + s.stats().requests, 0)).toBe(0);
  });

  // Last in this block: it leaves both accounts cooling down in this container.
  test("upstream 429 on every account: Fn-Http-Status 429 and Fn-Http-H-Retry-After", async () => {
    for (const sim of fx.sims) sim.setFaults({ status: 429, retryAfterSeconds: 1 });
    const res = await postChat({ model: "grok-4", messages: hi });
    expect(res.status).toBe(429);
    expect(res.raw.headers["fn-http-h-retry-after"]).toBe("1");
    expect(JSON.parse(res.text).error.type).toBe("rate_limit_error");
  });
});

describe("models function behind OCI API Gateway", () => {
  test("GET /v1/models with the key lists the configured models", async () => {
    const res = await containers.models.gateway({ method: "GET", url: "/v1/models", headers: { Authorization: `Bearer ${fx.apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    const list = JSON.parse(res.text);
    expect(list.object).toBe("list");
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(["grok-4", "llama-3.3-70b"]));
  });

  test("GET /v1/models without the key is a 401", async () => {
    const res = await containers.models.gateway({ method: "GET", url: "/v1/models" });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.type).toBe("authentication_error");
  });

  test("a CORS header set by the app comes back as Fn-Http-H-*", async () => {
    const res = await containers.models.gateway({ method: "GET", url: "/health", headers: { Origin: "https://app.example" } });
    expect(res.status).toBe(200);
    expect(res.raw.headers["fn-http-h-access-control-allow-origin"]).toBe("*");
    expect(JSON.parse(res.text)).toMatchObject({ status: "ok", accounts: { total: 2 } });
  });
});

describe("test-oci function", () => {
  test("plain `fn invoke` (no Fn-Http-* headers) returns per-account JSON, every account ok", async () => {
    const res = await containers["test-oci"].invoke();
    expect(res.statusCode).toBe(200);
    expect(res.headers["fn-http-status"]).toBeUndefined();
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({ healthy: 2, total: 2 });
    expect(body.accounts.map((a: { account: string }) => a.account).sort()).toEqual(["acct1", "acct2"]);
    for (const account of body.accounts) expect(account).toMatchObject({ ok: true, status: 200 });
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]);
  });

  test("through the gateway it is the authenticated GET /test-oci", async () => {
    expect((await containers["test-oci"].gateway({ method: "GET", url: "/test-oci" })).status).toBe(401);
    const res = await containers["test-oci"].gateway({ method: "GET", url: "/test-oci", headers: { Authorization: `Bearer ${fx.apiKey}` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ ok: true, accounts: [expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })] });
  });
});

describe("health-check function", () => {
  test("a scheduled invoke probes every account and reports", async () => {
    const res = await containers["health-check"].invoke(JSON.stringify({ schedule: "hourly" }), "application/json");
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ healthy: 2, total: 2 });
    expect(fx.sims.map((s) => s.stats().requests)).toEqual([1, 1]);
  });
});

test("no function process reported a start-up failure or an FDK exception", () => {
  for (const [fn, c] of Object.entries(containers)) {
    const out = c.output();
    expect({ fn, startupFailed: out.includes("start-up failed") }).toEqual({ fn, startupFailed: false });
    expect({ fn, fdkError: /Error in function|Exception in function/.test(out) }).toEqual({ fn, fdkError: false });
  }
});
