/**
 * Team keys through the running proxy, the way a team uses them: the admin creates keys over
 * the admin API, people call with the official `openai` and `@anthropic-ai/sdk` clients, and
 * each rule answers in the shape of the API it came through.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createLogger } from "../../shared/log/logger";
import { startStack, type Stack } from "../helpers/stack";
import { TEST_MODELS } from "../helpers/write-config";

const lines: string[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    models: { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" },
    logger: createLogger("json", (line) => lines.push(line)),
  });
});
afterAll(() => stack.close());

interface KeyJson {
  id: string;
  key: string;
  status: string;
  usage: { requests: number; prompt_tokens: number; completion_tokens: number; models: Record<string, { requests: number; total_tokens: number }> };
}

async function admin(method: string, path: string, body?: unknown, token = stack.apiKey): Promise<{ status: number; body: any }> {
  const res = await fetch(stack.proxy.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

async function createKey(settings: Record<string, unknown> = {}): Promise<KeyJson> {
  const { status, body } = await admin("POST", "/admin/keys", { name: `team-${Math.random().toString(36).slice(2, 8)}`, ...settings });
  expect(status).toBe(201);
  return body;
}

const showKey = async (id: string): Promise<KeyJson> => (await admin("GET", `/admin/keys/${id}`)).body;
const openai = (key: string, options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) => stack.client({ apiKey: key, ...options });
const anthropic = (key: string) => new Anthropic({ baseURL: stack.proxy.url, apiKey: key, maxRetries: 0 });
const hi = [{ role: "user" as const, content: "Hello there" }];
const chat = (key: string, model = "grok-4") => openai(key).chat.completions.create({ model, messages: hi });
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (err) => err);

describe("what a team key may call", () => {
  test("chat, responses, embeddings (openai) and messages, count_tokens (anthropic, x-api-key) all work with a team key", async () => {
    const { key } = await createKey();
    expect((await chat(key)).choices[0].message.content).toContain("Hello there");
    expect((await openai(key).responses.create({ model: "grok-4", input: "Hello" })).status).toBe("completed");
    expect((await openai(key).embeddings.create({ model: "embed-english", input: ["a", "b"] })).data).toHaveLength(2);
    expect((await anthropic(key).messages.create({ model: "grok-4", max_tokens: 32, messages: hi })).type).toBe("message");
    expect((await anthropic(key).messages.countTokens({ model: "grok-4", messages: hi })).input_tokens).toBeGreaterThan(0);
    const health = await fetch(`${stack.proxy.url}/health`, { headers: { authorization: `Bearer ${key}` } });
    expect(health.status).toBe(200);
  });

  test("admin and stats endpoints answer a team key 403 permission_error saying it needs the admin key", async () => {
    const { key, id } = await createKey();
    for (const [method, path] of [
      ["GET", "/admin/keys"],
      ["POST", "/admin/keys"],
      ["DELETE", `/admin/keys/${id}`],
      ["POST", "/admin/circuit-breaker/reset"],
      ["GET", "/stats"],
      ["GET", "/stats/keys"],
      ["GET", "/test-oci"],
    ]) {
      const res = await admin(method, path, method === "POST" ? { name: "x" } : undefined, key);
      expect({ path, status: res.status, type: res.body.error?.type }).toEqual({ path, status: 403, type: "permission_error" });
      expect(res.body.error.message).toMatch(/needs the admin key/);
    }
    expect((await showKey(id)).status).toBe("active");
  });

  test("unknown and revoked keys get 401 invalid_api_key (AuthenticationError in both SDKs), revoked ones saying so", async () => {
    const unknown = "sk-oci-" + "Z".repeat(43);
    const err = await rejection(chat(unknown));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe("invalid_api_key");
    const anthropicErr = await rejection(anthropic(unknown).messages.create({ model: "grok-4", max_tokens: 16, messages: hi }));
    expect(anthropicErr).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(anthropicErr.error).toMatchObject({ type: "error", error: { type: "authentication_error" } });

    const { key, id } = await createKey();
    await chat(key);
    expect((await admin("DELETE", `/admin/keys/${id}`)).body.status).toBe("revoked");
    const revoked = await rejection(chat(key));
    expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(revoked.message).toMatch(/revoked/);
    const models = await rejection(openai(key).models.list());
    expect(models).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test("an expired key is refused once its expires_at has passed", async () => {
    const { key } = await createKey({ expires_at: new Date(Date.now() + 1_000).toISOString() });
    await chat(key);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const err = await rejection(chat(key));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.message).toMatch(/expired/);
  });
});

describe("the key's model list", () => {
  test("a model outside the list is 403 model_not_allowed in every door, naming the models it may use; an OCI id counts as its name", async () => {
    const { key } = await createKey({ models: ["grok-4"] });
    await openai(key).chat.completions.create({ model: "xai.grok-4", messages: hi });
    const err = await rejection(chat(key, "llama-3.3-70b"));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect({ code: err.code, message: err.message }).toEqual({ code: "model_not_allowed", message: expect.stringContaining("it may use: grok-4") });
    expect(await rejection(openai(key).chat.completions.create({ model: "meta.llama-3.3-70b-instruct", messages: hi }))).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(await rejection(openai(key).responses.create({ model: "llama-3.3-70b", input: "x" }))).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(await rejection(openai(key).embeddings.create({ model: "embed-english", input: "x" }))).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const messages = await rejection(anthropic(key).messages.create({ model: "llama-3.3-70b", max_tokens: 16, messages: hi }));
    expect(messages).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(messages.error.error).toMatchObject({ type: "permission_error", message: expect.stringContaining("llama-3.3-70b") });
    expect(await rejection(anthropic(key).messages.countTokens({ model: "llama-3.3-70b", messages: hi }))).toBeInstanceOf(Anthropic.PermissionDeniedError);
  });

  test("/v1/models lists only the key's models, in OpenAI's and Anthropic's shapes; retrieving another is 403; the admin key sees all", async () => {
    const { key } = await createKey({ models: ["grok-4", "embed-english"] });
    expect((await openai(key).models.list()).data.map((m) => m.id)).toEqual(["grok-4", "embed-english"]);
    const page = await anthropic(key).models.list();
    expect(page.data.map((m) => m.id)).toEqual(["grok-4", "embed-english"]);
    expect((await openai(key).models.retrieve("grok-4")).id).toBe("grok-4");
    expect(await rejection(openai(key).models.retrieve("llama-3.3-70b"))).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(await rejection(anthropic(key).models.retrieve("llama-3.3-70b"))).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((await openai(stack.apiKey).models.list()).data).toHaveLength(Object.keys(TEST_MODELS).length + 1);
  });

  test("an unknown model's 404 lists only the key's models, in every door (the admin key's lists all)", async () => {
    const { key } = await createKey({ models: ["grok-4", "embed-english"] });
    const onlyMine = /Available models: grok-4, embed-english\.$/;
    const openaiCalls = [
      () => openai(key).chat.completions.create({ model: "gpt-5", messages: hi }),
      () => openai(key).responses.create({ model: "gpt-5", input: "x" }),
      () => openai(key).embeddings.create({ model: "gpt-5", input: "x" }),
      () => openai(key).models.retrieve("gpt-5"),
    ];
    for (const call of openaiCalls) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect({ code: err.code, message: err.error.message }).toEqual({ code: "model_not_found", message: expect.stringMatching(onlyMine) });
    }
    const anthropicCalls = [
      () => anthropic(key).messages.create({ model: "gpt-5", max_tokens: 16, messages: hi }),
      () => anthropic(key).messages.countTokens({ model: "gpt-5", messages: hi }),
      () => anthropic(key).models.retrieve("gpt-5"),
    ];
    for (const call of anthropicCalls) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(Anthropic.NotFoundError);
      expect(err.error.error.message).toMatch(onlyMine);
    }
    const all = await rejection(openai(stack.apiKey).chat.completions.create({ model: "gpt-5", messages: hi }));
    expect(all.error.message).toMatch(new RegExp(`Available models: ${[...Object.keys(TEST_MODELS), "embed-english"].join(", ")}\\.$`));
  });

  test("a model of the wrong kind outside the key's list is its 403, not a 400 describing that model", async () => {
    const { key } = await createKey({ models: ["grok-4"] });
    const err = await rejection(openai(key).chat.completions.create({ model: "embed-english", messages: hi }));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.error.message).not.toContain("cohere");
    const embed = await rejection(openai(key).embeddings.create({ model: "llama-3.3-70b", input: "x" }));
    expect(embed).toBeInstanceOf(OpenAI.PermissionDeniedError);
    // A key that may use the model still learns it is the wrong kind, and where to send it.
    const { key: both } = await createKey({ models: ["grok-4", "embed-english"] });
    const wrongKind = await rejection(openai(both).chat.completions.create({ model: "embed-english", messages: hi }));
    expect(wrongKind).toBeInstanceOf(OpenAI.BadRequestError);
    expect(wrongKind.error.message).toContain("use POST /v1/embeddings");
  });
});

describe("limits", () => {
  test("over rpm: 429 rate_limit_exceeded with Retry-After (OpenAI and Anthropic); count_tokens counts against nothing", async () => {
    const { key, id } = await createKey({ rpm: 2 });
    await chat(key);
    await anthropic(key).messages.countTokens({ model: "grok-4", messages: hi });
    await anthropic(key).messages.create({ model: "grok-4", max_tokens: 16, messages: hi });
    const err = await rejection(chat(key));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe("rate_limit_exceeded");
    expect(Number(err.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(err.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    const anthropicErr = await rejection(anthropic(key).messages.create({ model: "grok-4", max_tokens: 16, messages: hi }));
    expect(anthropicErr).toBeInstanceOf(Anthropic.RateLimitError);
    expect(anthropicErr.headers.get("retry-after")).toBeTruthy();
    // Refused requests are not counted; raising the limit takes effect at once.
    expect((await showKey(id)).usage.requests).toBe(2);
    await admin("PATCH", `/admin/keys/${id}`, { rpm: 3 });
    await chat(key);
  });

  test("over tpm: the tokens OCI reported for the last answer refuse the next request", async () => {
    const { key } = await createKey({ tpm: 5 });
    const first = await chat(key);
    expect(first.usage!.total_tokens).toBeGreaterThan(5);
    const err = await rejection(chat(key));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect({ code: err.code, message: err.message }).toEqual({ code: "rate_limit_exceeded", message: expect.stringContaining("5 tokens per minute") });
  });

  test("over daily_tokens: 429 insufficient_quota, Retry-After to UTC midnight, and the SDK does not retry in vain", async () => {
    const { key } = await createKey({ daily_tokens: 5 });
    await chat(key);
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    // The SDK's default: two retries on a 429, unless told not to.
    const err = await rejection(openai(key, { maxRetries: 2, fetch: counting }).chat.completions.create({ model: "grok-4", messages: hi }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe("insufficient_quota");
    expect(calls).toBe(1);
    const toMidnight = (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000;
    expect(Math.abs(Number(err.headers.get("retry-after")) - toMidnight)).toBeLessThan(60);
  });
});

describe("usage", () => {
  test("tokens come from OCI's usage for streams too, even when the client did not ask for include_usage (and it gets no usage chunk)", async () => {
    const { key, id } = await createKey();
    const client = openai(key);
    const counted: OpenAI.CompletionUsage[] = [];
    for await (const chunk of await client.chat.completions.create({ model: "grok-4", messages: hi, stream: true, stream_options: { include_usage: true } })) {
      if (chunk.usage) counted.push(chunk.usage);
    }
    expect(counted).toHaveLength(1);
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ model: "grok-4", messages: hi, stream: true })) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);

    const { usage } = await showKey(id);
    expect({ requests: usage.requests, prompt: usage.prompt_tokens, completion: usage.completion_tokens }).toEqual({
      requests: 2,
      prompt: 2 * counted[0].prompt_tokens,
      completion: 2 * counted[0].completion_tokens,
    });
  });

  test("a stream cut before OCI's usage arrives still counts its prompt (an estimate), so cutting short is no way around tpm", async () => {
    const { key, id } = await createKey();
    stack.sims[0].setFaults({ hangAfterEvents: 2, times: 1 });
    const controller = new AbortController();
    const stream = await openai(key).chat.completions.create({ model: "grok-4", messages: hi, stream: true }, { signal: controller.signal });
    for await (const chunk of stream) {
      expect(chunk.choices).toBeDefined();
      controller.abort();
    }
    let usage = (await showKey(id)).usage;
    for (let waited = 0; usage.prompt_tokens === 0 && waited < 2_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      usage = (await showKey(id)).usage;
    }
    expect({ requests: usage.requests, completion: usage.completion_tokens }).toEqual({ requests: 1, completion: 0 });
    expect(usage.prompt_tokens).toBeGreaterThan(0);
  });

  test("each door counts its answer's tokens per model: responses, messages (streamed), embeddings (prompt tokens)", async () => {
    const { key, id } = await createKey();
    const response = await openai(key).responses.create({ model: "grok-4", input: "Hello" });
    const stream = anthropic(key).messages.stream({ model: "grok-3-mini", max_tokens: 64, messages: hi });
    const message = await stream.finalMessage();
    const embedding = await openai(key).embeddings.create({ model: "embed-english", input: ["one two three", "four five"] });

    const { usage } = await showKey(id);
    expect(usage.models["grok-4"]).toMatchObject({ requests: 1, total_tokens: response.usage!.total_tokens });
    expect(usage.models["grok-3-mini"]).toMatchObject({ requests: 1, total_tokens: message.usage.input_tokens + message.usage.output_tokens });
    expect(usage.models["embed-english"]).toMatchObject({ requests: 1, total_tokens: embedding.usage.prompt_tokens });
    expect(embedding.usage.prompt_tokens).toBeGreaterThan(0);
  });

  test("/stats/keys lists every key's figures for the admin key", async () => {
    const { id } = await createKey();
    const res = await admin("GET", "/stats/keys");
    expect(res.status).toBe(200);
    expect(res.body.keys.map((k: { id: string }) => k.id)).toContain(id);
    expect(JSON.stringify(res.body)).not.toMatch(/sk-oci-[A-Za-z0-9_-]{20}/);
  });

  test("the request log names the key by id and never holds the key", async () => {
    const { key, id } = await createKey({ models: ["grok-4"] });
    lines.length = 0;
    await chat(key);
    await rejection(chat(key, "llama-3.3-70b"));
    await rejection(admin("GET", "/admin/keys", undefined, key));
    const logged = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === "request");
    expect(logged.map((line) => [line.status, line.key_id])).toEqual([
      [200, id],
      [403, id],
      [403, id],
    ]);
    expect(lines.join("\n")).not.toContain(key);
    expect(lines.join("\n")).not.toContain(key.slice(7));
  });
});

describe("stored responses belong to the key that made them", () => {
  test("another team key cannot read, continue, list the input of, or delete them; the admin key can", async () => {
    const [alice, bob] = await Promise.all([createKey(), createKey()]);
    const stored = await openai(alice.key).responses.create({ model: "grok-4", input: "My name is Ada." });
    const asBob = openai(bob.key);
    expect(await rejection(asBob.responses.retrieve(stored.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await rejection(asBob.responses.inputItems.list(stored.id))).toBeInstanceOf(OpenAI.NotFoundError);
    const follow = await rejection(asBob.responses.create({ model: "grok-4", input: "And mine?", previous_response_id: stored.id }));
    expect(follow.code).toBe("previous_response_not_found");
    expect(await rejection(asBob.responses.delete(stored.id))).toBeInstanceOf(OpenAI.NotFoundError);

    expect((await openai(alice.key).responses.retrieve(stored.id)).output_text).toBe(stored.output_text);
    expect((await openai(stack.apiKey).responses.retrieve(stored.id)).id).toBe(stored.id);
    const next = await openai(alice.key).responses.create({ model: "grok-4", input: "What is my name?", previous_response_id: stored.id });
    expect(next.status).toBe("completed");
    await openai(alice.key).responses.delete(stored.id);
    expect(await rejection(openai(stack.apiKey).responses.retrieve(stored.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("responses made with the admin key are not visible to team keys", async () => {
    const { key } = await createKey();
    const stored = await openai(stack.apiKey).responses.create({ model: "grok-4", input: "admin only" });
    expect(await rejection(openai(key).responses.retrieve(stored.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
