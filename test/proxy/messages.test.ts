/**
 * POST /v1/messages and /v1/messages/count_tokens driven by the official
 * `@anthropic-ai/sdk` client over real sockets, in front of the OCI simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import { startStack, type Stack } from "../helpers/stack";
import { TEST_MODELS } from "../helpers/write-config";
import { chat, startPoolStack } from "../pool/pool-stack";

const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

let stack: Stack;
let client: Anthropic;

beforeAll(async () => {
  const models = { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" };
  stack = await startStack({ models, settings: { request_timeout: "2s", stream_idle_timeout: "2s" } });
  // As Claude Code is pointed at it: ANTHROPIC_BASE_URL is the root, the key goes in x-api-key.
  client = new Anthropic({ baseURL: stack.proxy.url, apiKey: stack.apiKey, maxRetries: 0 });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims[0].setFaults(null);
  stack.proxy.pool.resetBreakers();
});

const sent = () => stack.sims[0].lastRequest()!.body;
const hi: Anthropic.MessageParam[] = [{ role: "user", content: "Hello there" }];

describe("messages.create", () => {
  test("answers with a message for the client's model name", async () => {
    const message = await client.messages.create({ model: "grok-4", max_tokens: 256, system: "Be brief", messages: hi });
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "grok-4", stop_reason: "end_turn", stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toHaveLength(1);
    expect((message.content[0] as Anthropic.TextBlock).text).toContain("Hello there");
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(sent().servingMode.modelId).toBe("xai.grok-4");
    expect(sent().chatRequest).toMatchObject({ maxTokens: 256 });
    expect(sent().chatRequest.messages.map((m: { role: string }) => m.role)).toEqual(["SYSTEM", "USER"]);
  });

  test("a Bearer token works as well as x-api-key (ANTHROPIC_AUTH_TOKEN)", async () => {
    const bearer = new Anthropic({ baseURL: stack.proxy.url, authToken: stack.apiKey, apiKey: null, maxRetries: 0 });
    expect((await bearer.messages.create({ model: "grok-4", max_tokens: 16, messages: hi })).type).toBe("message");
  });

  test("Claude Code's request: ?beta=true, beta headers, adaptive thinking, a system turn, cache_control, output_config", async () => {
    const res = await fetch(`${stack.proxy.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "x-api-key": stack.apiKey,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "gpt-oss-120b",
        max_tokens: 32000,
        thinking: { type: "adaptive" },
        output_config: { effort: "medium" },
        context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
        metadata: { user_id: "user_abc" },
        system: [{ type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
          { role: "system", content: "Reminder." },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const message = await res.json();
    expect(message.content.map((b: { type: string }) => b.type)).toEqual(["thinking", "text"]);
    expect(sent().chatRequest.messages.map((m: { role: string }) => m.role)).toEqual(["SYSTEM", "USER", "SYSTEM"]);
  });

  test("thinking with a budget becomes a reasoning effort where the model has one", async () => {
    const message = await client.messages.create({ model: "grok-3-mini", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: hi });
    expect(message.content[0].type).toBe("thinking");
    expect(sent().chatRequest.reasoningEffort).toBe("LOW");
  });

  test("images (base64 and url) reach the model", async () => {
    const message = await client.messages.create({
      model: "grok-4",
      max_tokens: 64,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1PX } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "text", text: "What is in these?" },
          ],
        },
      ],
    });
    expect((message.content[0] as Anthropic.TextBlock).text).toMatch(/^I see 2 images\./);
    const parts = sent().chatRequest.messages[0].content;
    expect(parts[0]).toEqual({ type: "IMAGE", imageUrl: { url: `data:image/png;base64,${PNG_1PX}` } });
    expect(parts[1].imageUrl.url).toBe("https://example.com/cat.jpg");
  });

  test("stop sequences, temperature, top_p and top_k reach OCI", async () => {
    // (The SDK's types no longer list the sampling fields; the API still takes them.)
    await client.messages.create({ model: "grok-4", max_tokens: 64, stop_sequences: ["END"], temperature: 0.2, top_p: 0.9, top_k: 20, messages: hi } as never);
    expect(sent().chatRequest).toMatchObject({ stop: ["END"], temperature: 0.2, topP: 0.9, topK: 20 });
  });
});

describe("tool use", () => {
  test("a round trip: tool_use with a toolu_ id and parsed input, then tool_result", async () => {
    const first = await client.messages.create({ model: "gemini-2.5-flash", max_tokens: 256, tools: [weather], messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((b) => b.type === "tool_use") as Anthropic.ToolUseBlock;
    expect(use.id).toMatch(/^toolu_/);
    expect(use).toMatchObject({ name: "get_weather", input: { city: "Paris" } });

    const second = await client.messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 256,
      tools: [weather],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny, 21 C" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect((second.content[0] as Anthropic.TextBlock).text).toContain("sunny, 21 C");
    const messages = sent().chatRequest.messages;
    expect(messages[1].toolCalls[0].id).toBe(use.id);
    expect(messages[2]).toMatchObject({ role: "TOOL", toolCallId: use.id });
  });

  test("tool_choice any → required, disable_parallel_tool_use → no parallel calls; server tools are dropped", async () => {
    await client.messages.create({
      model: "grok-4",
      max_tokens: 64,
      tools: [weather, { type: "web_search_20250305", name: "web_search" } as never],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      messages: hi,
    });
    expect(sent().chatRequest).toMatchObject({ toolChoice: { type: "REQUIRED" }, isParallelToolCalls: false });
    expect(sent().chatRequest.tools.map((t: { name: string }) => t.name)).toEqual(["get_weather"]);
  });
});

describe("messages.stream", () => {
  test("finalMessage builds the answer from the events, thinking first", async () => {
    const stream = client.messages.stream({ model: "grok-3-mini", max_tokens: 256, messages: hi });
    const types: string[] = [];
    let text = "";
    stream.on("streamEvent", (event) => types.push(event.type));
    stream.on("text", (delta) => (text += delta));
    const message = await stream.finalMessage();
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    expect((message.content[1] as Anthropic.TextBlock).text).toBe(text);
    expect(message.stop_reason).toBe("end_turn");
    // OCI reports usage at the end: input_tokens arrives in message_delta.
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  test("a streamed tool call arrives as input_json_delta and parses into input", async () => {
    const message = await client.messages.stream({ model: "llama-3.3-70b", max_tokens: 256, tools: [weather], messages: hi }).finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content[0]).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Paris" } });
  });

  test("keep-alives are ping events, which the SDK skips", async () => {
    const local = await startStack({ settings: { keep_alive_interval: "150ms" } });
    try {
      local.sims[0].setFaults({ ttftMs: 500 });
      const res = await fetch(`${local.proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": local.apiKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "grok-4", max_tokens: 64, stream: true, messages: hi }),
      });
      const text = await res.text();
      expect(text.split('event: ping\ndata: {"type":"ping"}\n\n').length - 1).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain(": keep-alive");
      const sdk = new Anthropic({ baseURL: local.proxy.url, apiKey: local.apiKey, maxRetries: 0 });
      local.sims[0].setFaults({ ttftMs: 500 });
      expect((await sdk.messages.stream({ model: "grok-4", max_tokens: 64, messages: hi }).finalMessage()).stop_reason).toBe("end_turn");
    } finally {
      await local.close();
    }
  });

  test("a stream that breaks after it started raises the SDK's APIError from the in-band error event", async () => {
    stack.sims[0].setFaults({ dropAfterEvents: 3 });
    const err = await client.messages.stream({ model: "grok-4", max_tokens: 64, messages: hi }).finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.error).toMatchObject({ type: "error", error: { type: "api_error" } });
  });
});

describe("count_tokens and models", () => {
  test("count_tokens estimates the prompt (more text, more tokens) without calling OCI", async () => {
    const before = stack.sims[0].stats().requests;
    const small = await client.messages.countTokens({ model: "grok-4", messages: hi });
    const large = await client.messages.countTokens({ model: "grok-4", system: "x ".repeat(2000), tools: [weather], messages: hi });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens).toBeGreaterThan(small.input_tokens + 900);
    expect(stack.sims[0].stats().requests).toBe(before);
  });

  test("the models list is in Anthropic's shape for Anthropic clients, OpenAI's otherwise", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain("grok-4");
    expect(page.data[0]).toMatchObject({ type: "model", id: expect.any(String), display_name: expect.stringMatching(/on OCI/) });
    expect(new Date(page.data[0].created_at).getTime()).toBeGreaterThan(0);
    expect((await client.models.retrieve("grok-4")).id).toBe("grok-4");
    const openai = await (await fetch(`${stack.baseURL}/models`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json();
    expect(openai.object).toBe("list");
  });

  test("HEAD / (Claude Code's probe, without a key) is answered", async () => {
    const res = await fetch(stack.proxy.url, { method: "HEAD" });
    expect(res.status).toBe(200);
  });
});

describe("errors in Anthropic's shape and the SDK's error classes", () => {
  test.each([
    ["an unknown model", { model: "claude-opus-9" }, Anthropic.NotFoundError, 404, "not_found_error"],
    ["max_tokens missing", { max_tokens: undefined }, Anthropic.BadRequestError, 400, "invalid_request_error"],
    ["a bad role", { messages: [{ role: "robot", content: "hi" }] }, Anthropic.BadRequestError, 400, "invalid_request_error"],
  ])("%s", async (_name, extra, errorClass, status, type) => {
    const err = await client.messages.create({ model: "grok-4", max_tokens: 16, messages: hi, ...(extra as object) } as never).catch((e) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect(err.status).toBe(status);
    expect(err.error).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  });

  test("an embedding model is a 400 naming the endpoint to use, without calling OCI", async () => {
    stack.sims[0].resetStats();
    const err = await client.messages.create({ model: "embed-english", max_tokens: 16, messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("use POST /v1/embeddings") } });
    expect(stack.sims[0].stats().requests).toBe(0);
  });

  test("a wrong method is 405 with Allow, in Anthropic's shape on Anthropic paths and requests", async () => {
    for (const [path, headers] of [
      ["/v1/messages", {}],
      ["/v1/chat/completions", { "anthropic-version": "2023-06-01" }],
    ] as const) {
      const res = await fetch(`${stack.proxy.url}${path}`, { headers: { "x-api-key": stack.apiKey, ...headers } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/^Method GET is not allowed/) } });
    }
    const unknown = await fetch(`${stack.proxy.url}/v1/messages/nope`, { method: "POST", headers: { "x-api-key": stack.apiKey } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.type).toBe("not_found_error");
  });

  test("a wrong key is an AuthenticationError telling the client to send x-api-key, on every Anthropic call", async () => {
    const xApiKeyFirst = /Send the proxy's api_key or a team key as 'x-api-key: <key>' \(or 'Authorization: Bearer <key>'\)\.$/;
    for (const apiKey of ["sk-wrong", "sk-oci-" + "Z".repeat(43)]) {
      const wrong = new Anthropic({ baseURL: stack.proxy.url, apiKey, maxRetries: 0 });
      for (const call of [
        () => wrong.messages.create({ model: "grok-4", max_tokens: 16, messages: hi }),
        () => wrong.messages.countTokens({ model: "grok-4", messages: hi }),
        () => wrong.models.list(),
      ]) {
        const err = await call().catch((e) => e);
        expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
        expect(err.error.error).toEqual({ type: "authentication_error", message: expect.stringMatching(xApiKeyFirst) });
      }
    }
  });

  test("a missing key is a 401 naming x-api-key first", async () => {
    for (const [path, init] of [
      ["/v1/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "grok-4", max_tokens: 16, messages: hi }) }],
      ["/v1/models", { headers: { "anthropic-version": "2023-06-01" } }],
    ] as const) {
      const res = await fetch(`${stack.proxy.url}${path}`, init);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        type: "error",
        error: { type: "authentication_error", message: "Missing API key. Send it as 'x-api-key: <key>' (or 'Authorization: Bearer <key>')." },
      });
    }
  });

  test("an OCI rate limit is a RateLimitError with Retry-After", async () => {
    stack.sims[0].setFaults({ status: 429, retryAfterSeconds: 3 });
    const err = await client.messages.create({ model: "grok-4", max_tokens: 16, messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers.get("retry-after")).toBe("3");
    expect(err.error.error.type).toBe("rate_limit_error");
  });

  test("a body over the limit is request_too_large (413)", async () => {
    const local = await startStack({ settings: { max_body_size: "16kb" } });
    try {
      const sdk = new Anthropic({ baseURL: local.proxy.url, apiKey: local.apiKey, maxRetries: 0 });
      const err = await sdk.messages.create({ model: "grok-4", max_tokens: 16, messages: [{ role: "user", content: "x".repeat(40_000) }] }).catch((e) => e);
      expect(err.status).toBe(413);
      expect(err.error.error.type).toBe("request_too_large");
    } finally {
      await local.close();
    }
  });

  test("every breaker open is 529 overloaded_error (the SDK's OverloadedError), without calling OCI", async () => {
    const pool = await startPoolStack({ accounts: 2, settings: { retry_attempts: 2 }, breaker: { max_failures: 1, reset_timeout: "60s" } });
    try {
      for (const sim of pool.sims) sim.setFaults({ status: 500 });
      for (let i = 0; i < 4; i++) await chat(pool);
      for (const sim of pool.sims) sim.resetStats();
      const sdk = new Anthropic({ baseURL: pool.proxy.url, apiKey: pool.apiKey, maxRetries: 0 });
      const err = await sdk.messages.create({ model: "grok-4", max_tokens: 16, messages: hi }).catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.OverloadedError);
      expect(err.status).toBe(529);
      expect(err.error.error.type).toBe("overloaded_error");
      expect(Number(err.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(pool.sims.map((s) => s.stats().requests)).toEqual([0, 0]);
    } finally {
      await pool.close();
    }
  });
});
