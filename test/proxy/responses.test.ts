/**
 * POST /v1/responses (and GET / DELETE) driven by the official `openai` client over real
 * sockets, in front of the signature-verifying OCI simulator.
 */
import OpenAI from "openai";
import { postRaw } from "../helpers/sse";
import { startStack, type Stack } from "../helpers/stack";
import { TEST_MODELS } from "../helpers/write-config";

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

let stack: Stack;
let client: OpenAI;

beforeAll(async () => {
  const models = { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" };
  stack = await startStack({ models, settings: { request_timeout: "2s", stream_idle_timeout: "2s" } });
  client = stack.client();
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims[0].setFaults(null);
  stack.proxy.pool.resetBreakers();
});

const sent = () => stack.sims[0].lastRequest()!.body;

describe("responses.create", () => {
  test("answers a string input with a completed response for the client's model name", async () => {
    const response = await client.responses.create({ model: "grok-4", input: "What is OCI?", instructions: "Be brief" });
    expect(response).toMatchObject({ object: "response", status: "completed", model: "grok-4", instructions: "Be brief", error: null, incomplete_details: null });
    expect(response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(response.output_text).toContain("What is OCI?");
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect(sent().servingMode.modelId).toBe("xai.grok-4");
    expect(sent().chatRequest.messages.map((m: { role: string }) => m.role)).toEqual(["SYSTEM", "USER"]);
  });

  test("a reasoning model's thinking comes back as a reasoning item with summary text", async () => {
    const response = await client.responses.create({ model: "grok-3-mini", input: "2+2?", reasoning: { effort: "low", summary: "auto" } });
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const reasoning = response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary[0].text).toContain("step by step");
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    // grok-3-mini takes an effort; grok-4 would refuse one, so it is never sent there.
    expect(sent().chatRequest.reasoningEffort).toBe("LOW");
    await client.responses.create({ model: "grok-4", input: "2+2?", reasoning: { effort: "high" } });
    expect(sent().chatRequest.reasoningEffort).toBeUndefined();
  });

  test("max_output_tokens cuts the answer: status incomplete with the reason", async () => {
    const response = await client.responses.create({ model: "grok-4", input: "long story", max_output_tokens: 3 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(sent().chatRequest.maxTokens).toBe(3);
  });

  test("text.format json_schema becomes OCI's JSON response format", async () => {
    const response = await client.responses.create({
      model: "grok-4",
      input: "give me json",
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object", properties: { answer: { type: "string" } } } } },
    });
    expect(sent().chatRequest.responseFormat.type).toBe("JSON_SCHEMA");
    expect(JSON.parse(response.output_text)).toHaveProperty("answer");
  });
});

describe("responses.stream", () => {
  test("the SDK's stream helper accepts the event sequence and builds the same answer", async () => {
    const stream = client.responses.stream({ model: "gpt-oss-120b", input: "Hello stream" });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
    expect(types[types.length - 1]).toBe("response.completed");
    expect(types).toContain("response.reasoning_summary_text.delta");
    expect(final.output_text).toBe(text);
    expect(text).toContain("Hello stream");
    expect(final.usage!.output_tokens).toBeGreaterThan(0);
  });

  test("with force_non_stream the client still gets the full event sequence", async () => {
    const local = await startStack({ settings: { force_non_stream: true } });
    try {
      const stream = local.client().responses.stream({ model: "grok-4", input: "replayed" });
      const final = await stream.finalResponse();
      expect(final.status).toBe("completed");
      expect(final.output_text).toContain("replayed");
      expect(local.sims[0].lastRequest()!.body.chatRequest.isStream).toBeUndefined();
    } finally {
      await local.close();
    }
  });

  test("keep-alives are SSE comments while the model is silent", async () => {
    const local = await startStack({ settings: { keep_alive_interval: "150ms" } });
    try {
      local.sims[0].setFaults({ ttftMs: 500 });
      const raw = await postRaw(`${local.baseURL}/responses`, local.apiKey, { model: "grok-4", input: "slow", stream: true });
      expect(raw.comments.filter((c) => c.startsWith(": keep-alive")).length).toBeGreaterThanOrEqual(2);
      expect(raw.text).toMatch(/^event: response\.created\n/);
    } finally {
      await local.close();
    }
  });

  test("a stream that breaks after it started ends with response.failed carrying the error", async () => {
    stack.sims[0].setFaults({ dropAfterEvents: 3 });
    const stream = client.responses.stream({ model: "grok-4", input: "break please" });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events[events.length - 1] as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe("response.failed");
    expect(last.response.status).toBe("failed");
    expect(last.response.error!.message).toMatch(/./);
    expect(events.some((e) => e.type === "response.output_text.delta")).toBe(true);
  });
});

describe("tools", () => {
  test("a function tool round trip: function_call, then function_call_output with the full input", async () => {
    const first = await client.responses.create({ model: "llama-3.3-70b", input: "Weather in Paris?", tools: [weather] });
    const call = first.output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", status: "completed" });
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });
    expect(call.call_id).toMatch(/\S/);

    const second = await client.responses.create({
      model: "llama-3.3-70b",
      tools: [weather],
      input: [{ role: "user", content: "Weather in Paris?" }, call, { type: "function_call_output", call_id: call.call_id, output: '{"temp": 21}' }],
    });
    expect(second.output_text).toContain("Based on the tool result");
    const messages = sent().chatRequest.messages;
    expect(messages.map((m: { role: string }) => m.role)).toEqual(["USER", "ASSISTANT", "TOOL"]);
    expect(messages[1].toolCalls[0].id).toBe(call.call_id);
    expect(messages[2].toolCallId).toBe(call.call_id);
  });

  test("streamed function call arguments arrive as deltas with their done event", async () => {
    const stream = client.responses.stream({ model: "grok-4", input: "Weather?", tools: [weather] });
    let deltas = "";
    stream.on("response.function_call_arguments.delta", (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    const call = final.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call.type).toBe("function_call");
    expect(deltas).toBe(call.arguments);
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });
  });

  test("hosted tools a client lists by default are dropped, never sent to OCI", async () => {
    await client.responses.create({ model: "grok-4", input: "hi", tools: [{ type: "web_search" } as never, weather] });
    expect(sent().chatRequest.tools.map((t: { name: string }) => t.name)).toEqual(["get_weather"]);
    await client.responses.create({ model: "grok-4", input: "hi", tools: [{ type: "web_search" } as never] });
    expect(sent().chatRequest.tools).toBeUndefined();
  });

  test("a hosted tool forced by tool_choice is a 400 naming it", async () => {
    const err = await client.responses
      .create({ model: "grok-4", input: "search", tools: [{ type: "web_search" } as never], tool_choice: { type: "web_search_preview" } as never })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toMatch(/web_search_preview/);
    expect(err.param).toBe("tool_choice");
  });
});

describe("stored responses and previous_response_id", () => {
  test("a follow-up continues the stored conversation; GET returns it; DELETE removes it", async () => {
    const first = await client.responses.create({ model: "grok-4", input: "My name is Ada." });
    expect((first as unknown as { store: boolean }).store).toBe(true);
    const second = await client.responses.create({ model: "grok-4", input: "What is my name?", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    const history = sent().chatRequest.messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0].text]);
    expect(history[0]).toEqual(["USER", "My name is Ada."]);
    expect(history[1][0]).toBe("ASSISTANT");
    expect(history[1][1]).toBe(first.output_text);
    expect(history[2]).toEqual(["USER", "What is my name?"]);

    expect((await client.responses.retrieve(second.id)).output_text).toBe(second.output_text);
    const items = await client.responses.inputItems.list(second.id, { order: "asc" });
    expect(items.data.map((item) => item.type)).toEqual(["message", "message", "message"]);

    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // The second response kept its own copy of the conversation.
    expect((await client.responses.create({ model: "grok-4", input: "again", previous_response_id: second.id })).status).toBe("completed");
  });

  test("a streamed response is stored before response.completed reaches the client", async () => {
    const stream = client.responses.stream({ model: "grok-4", input: "remember me" });
    let id = "";
    for await (const event of stream) {
      if (event.type === "response.completed") {
        id = event.response.id;
        // Retrieved the moment the terminal event is read, not later.
        expect((await client.responses.retrieve(id)).status).toBe("completed");
      }
    }
    expect(id).toMatch(/^resp_/);
  });

  test("store: false keeps nothing: its id is previous_response_not_found (404)", async () => {
    const unstored = await client.responses.create({ model: "grok-4", input: "forget me", store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    const err = await client.responses.create({ model: "grok-4", input: "x", previous_response_id: unstored.id }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe("previous_response_not_found");
    expect(err.param).toBe("previous_response_id");
    await expect(client.responses.delete("resp_nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("errors in OpenAI's shape", () => {
  test("an unknown model is a 404 listing the configured ones", async () => {
    const err = await client.responses.create({ model: "gpt-9", input: "hi" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toMatch(/grok-4/);
  });

  test("an embedding model is a 400 model_not_supported naming the endpoint to use, without calling OCI", async () => {
    stack.sims[0].resetStats();
    const err = await client.responses.create({ model: "embed-english", input: "hi" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ code: "model_not_supported", param: "model" });
    expect(err.message).toMatch(/use POST \/v1\/embeddings/);
    expect(stack.sims[0].stats().requests).toBe(0);
  });

  test("a bad field is a 400 naming it", async () => {
    const err = await client.responses.create({ model: "grok-4", input: [{ role: "wizard", content: "hi" }] as never }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe("input[0].role");
  });

  test("an OCI rate limit is a 429 with Retry-After", async () => {
    stack.sims[0].setFaults({ status: 429, retryAfterSeconds: 2 });
    const err = await client.responses.create({ model: "grok-4", input: "hi" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get("retry-after")).toBe("2");
  });
});
