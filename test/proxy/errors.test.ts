/**
 * Every error row of the README's error table, as a client sees it: status, OpenAI error
 * body, and the headers that matter.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { postRaw } from "../helpers/sse";
import { startStack, type Stack } from "../helpers/stack";
import { generateTestAccount } from "../simulator";

let stack: Stack;
const hi = [{ role: "user", content: "hi" }];

beforeAll(async () => {
  stack = await startStack({ settings: { max_body_size: "64kb", request_timeout: "1s", stream_idle_timeout: "1s", non_stream_timeout: "2s" } });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims[0].setFaults(null);
  // Each test starts from a closed breaker (a few upstream failures in a row would open it).
  stack.proxy.pool.resetBreakers();
});

const chatUrl = () => `${stack.baseURL}/chat/completions`;

async function expectError(res: { status: number; text: string } | Response, status: number, match: Partial<{ message: RegExp; type: string; param: string | null; code: string | null }>) {
  const text = res instanceof Response ? await res.text() : res.text;
  expect(res.status).toBe(status);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  if (match.message) expect(body.error.message).toMatch(match.message);
  if (match.type) expect(body.error.type).toBe(match.type);
  if (match.param !== undefined) expect(body.error.param).toBe(match.param);
  if (match.code !== undefined) expect(body.error.code).toBe(match.code);
  return body.error;
}

describe("client errors", () => {
  test("malformed JSON is a 400", async () => {
    await expectError(await postRaw(chatUrl(), stack.apiKey, '{"model": "grok-4", "messages": ['), 400, { type: "invalid_request_error", message: /JSON/ });
  });

  test("a missing field is a 400 naming it", async () => {
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4" }), 400, { param: "messages" });
  });

  test("a wrongly typed nested field is a 400 naming its path", async () => {
    const raw = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: [{ role: "user", content: "a" }, { role: "robot", content: "b" }] });
    await expectError(raw, 400, { param: "messages[1].role" });
  });

  test("an unknown model is a 404 naming it and listing the configured ones", async () => {
    const error = await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "gpt-5", messages: hi }), 404, { param: "model", code: "model_not_found" });
    expect(error.message).toContain("gpt-5");
    expect(error.message).toContain("grok-4");
  });

  test("a body over the limit is a 413", async () => {
    const big = "x".repeat(70 * 1024);
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: [{ role: "user", content: big }] }), 413, { code: "request_too_large" });
  });

  test("an unknown endpoint is a 404 in OpenAI format", async () => {
    await expectError(await fetch(`${stack.baseURL}/completions/legacy`, { headers: { authorization: `Bearer ${stack.apiKey}` } }), 404, {});
  });
});

describe("authentication", () => {
  test("a missing key is a 401 telling OpenAI clients to send Authorization: Bearer", async () => {
    await expectError(await fetch(`${stack.baseURL}/models`), 401, { type: "authentication_error", message: /^Missing API key\. Send it as 'Authorization: Bearer <key>'/ });
  });

  test("a wrong key is a 401, and the openai client raises AuthenticationError saying how to send one", async () => {
    for (const apiKey of ["sk-wrong", "sk-oci-" + "Z".repeat(43)]) {
      const wrong = new OpenAI({ baseURL: stack.baseURL, apiKey, maxRetries: 0 });
      const err = await wrong.chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.code).toBe("invalid_api_key");
      expect(err.error.message).toMatch(/^Invalid API key\. Send the proxy's api_key or a team key as 'Authorization: Bearer <key>'/);
    }
  });

  test("/health needs no key; /v1/models lists the [MODELS] names", async () => {
    expect((await fetch(`${stack.proxy.url}/health`)).status).toBe(200);
    const models = await stack.client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(Object.keys(Object.fromEntries(stack.config.models)));
    expect(models.data[0]).toMatchObject({ object: "model", owned_by: "xai" });
  });
});

describe("CORS", () => {
  test("a preflight is answered with the allowed origin, methods and requested headers", async () => {
    const res = await fetch(chatUrl(), {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-os" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-stainless-os");
  });

  test("actual responses carry the CORS header, errors included", async () => {
    const res = await fetch(`${stack.baseURL}/models`, { headers: { origin: "https://app.example" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toBe("retry-after,x-should-retry,allow");
  });

  test("a request without Origin (no browser involved) gets no CORS headers", async () => {
    const res = await fetch(`${stack.baseURL}/models`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });

  test("with listed origins: a listed one is allowed, another is not, and every answer varies by Origin", async () => {
    const own = await startStack({ settings: { cors_origins: "https://app.example" } });
    try {
      const get = (headers: Record<string, string>) => fetch(`${own.baseURL}/models`, { headers: { authorization: `Bearer ${own.apiKey}`, ...headers } });
      const listed = await get({ origin: "https://app.example" });
      expect([listed.headers.get("access-control-allow-origin"), listed.headers.get("vary")]).toEqual(["https://app.example", "Origin"]);
      const other = await get({ origin: "https://evil.example" });
      expect([other.headers.get("access-control-allow-origin"), other.headers.get("vary")]).toEqual([null, "Origin"]);
      expect((await get({})).headers.get("vary")).toBe("Origin");
    } finally {
      await own.close();
    }
  });
});

describe("upstream errors", () => {
  test("OCI 429 becomes 429 with Retry-After, and the account cools down for that long", async () => {
    const own = await startStack();
    try {
      own.sims[0].setFaults({ status: 429, retryAfterSeconds: 7, times: 1 });
      const raw = await postRaw(`${own.baseURL}/chat/completions`, own.apiKey, { model: "grok-4", messages: hi });
      await expectError(raw, 429, { type: "rate_limit_error" });
      expect(raw.headers.get("retry-after")).toBe("7");
      // Within the cooldown the proxy answers 429 itself instead of hammering OCI.
      const again = await postRaw(`${own.baseURL}/chat/completions`, own.apiKey, { model: "grok-4", messages: hi });
      await expectError(again, 429, { code: "all_accounts_rate_limited" });
      expect(Number(again.headers.get("retry-after"))).toBeGreaterThanOrEqual(6);
      expect(own.sims[0].stats().requests).toBe(1);
    } finally {
      await own.close();
    }
  });

  test("OCI 400 becomes 400 carrying OCI's message", async () => {
    stack.sims[0].setFaults({ status: 400 });
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi }), 400, { type: "invalid_request_error", message: /OCI rejected the request/ });
  });

  test("OCI 404 NotAuthorizedOrNotFound becomes 502 explaining the likely IAM cause", async () => {
    stack.sims[0].setFaults({ status: 404 });
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi }), 502, { message: /IAM policy/ });
  });

  test("OCI 5xx becomes 502", async () => {
    stack.sims[0].setFaults({ status: 500 });
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi }), 502, { type: "upstream_error" });
  });

  test("a stream whose first byte does not come within request_timeout becomes 504", async () => {
    stack.sims[0].setFaults({ latencyMs: 2_500 });
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", stream: true, messages: hi }), 504, { type: "timeout_error" });
  });

  test("a non-streamed answer may take longer than request_timeout (it arrives whole), up to non_stream_timeout", async () => {
    stack.sims[0].setFaults({ latencyMs: 1_300 });
    expect((await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi })).status).toBe(200);
    stack.sims[0].setFaults({ latencyMs: 3_000 });
    await expectError(await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi }), 504, { type: "timeout_error" });
  });

  test("a stream that breaks mid-way ends with an error event and no [DONE]", async () => {
    stack.sims[0].setFaults({ dropAfterEvents: 3 });
    const raw = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", stream: true, messages: hi });
    expect(raw.status).toBe(200);
    expect(raw.data).not.toContain("[DONE]");
    const last = JSON.parse(raw.data[raw.data.length - 1]);
    expect(last.error.type).toBe("upstream_error");
    expect(raw.data.length).toBeGreaterThan(1);
  });

  test("the openai client raises on a stream that breaks mid-way", async () => {
    stack.sims[0].setFaults({ dropAfterEvents: 3 });
    const stream = await stack.client().chat.completions.create({ model: "grok-4", stream: true, messages: [{ role: "user", content: "hi" }] });
    await expect(
      (async () => {
        for await (const _chunk of stream) void _chunk;
      })(),
    ).rejects.toThrow();
  });

  test("a stream that goes silent past stream_idle_timeout ends with a timeout error event", async () => {
    stack.sims[0].setFaults({ hangAfterEvents: 2 });
    const raw = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", stream: true, messages: hi });
    expect(raw.data).not.toContain("[DONE]");
    expect(JSON.parse(raw.data[raw.data.length - 1]).error.type).toBe("timeout_error");
  });
});

describe("request signing", () => {
  test("an account whose key OCI does not know is refused: 502 naming the likely cause", async () => {
    // A consistent key and fingerprint (the config check passes), but not the key OCI has.
    const { privateKeyPem, account } = generateTestAccount();
    const keyFile = join(tmpdir(), `ociai-unknown-key-${process.pid}.pem`);
    writeFileSync(keyFile, privateKeyPem);
    const mismatched = await startStack({ accountKeys: () => ({ key_file: keyFile, fingerprint: account.fingerprint }) });
    rmSync(keyFile);
    try {
      const raw = await postRaw(`${mismatched.baseURL}/chat/completions`, mismatched.apiKey, { model: "grok-4", messages: hi });
      await expectError(raw, 502, { message: /NotAuthenticated|fingerprint/ });
      expect(mismatched.sims[0].stats().rejectedSignature).toBe(1);
    } finally {
      await mismatched.close();
    }
  });
});

describe("/test-oci", () => {
  test("needs the API key", async () => {
    expect((await fetch(`${stack.proxy.url}/test-oci`)).status).toBe(401);
  });

  test("reports each account as ok with its latency", async () => {
    const res = await fetch(`${stack.proxy.url}/test-oci`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.accounts).toEqual([expect.objectContaining({ account: "default", ok: true, model: "xai.grok-4", latency_ms: expect.any(Number) })]);
    expect(stack.sims[0].lastRequest()!.body.chatRequest.maxTokens).toBe(1);
  });

  test("reports a failing account with the reason and answers 502", async () => {
    stack.sims[0].setFaults({ status: 404 });
    const res = await fetch(`${stack.proxy.url}/test-oci`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    const body = await res.json();
    expect(res.status).toBe(502);
    expect(body.accounts[0]).toMatchObject({ ok: false, status: 404, error: expect.stringContaining("auth") });
  });
});
