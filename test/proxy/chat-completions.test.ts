/**
 * The running proxy, driven by the official `openai` client over real sockets, in front of
 * the signature-verifying OCI simulator.
 */
import type OpenAI from "openai";
import { postRaw } from "../helpers/sse";
import { startStack, type Stack } from "../helpers/stack";

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { location: { type: "string" }, days: { type: "integer" } }, required: ["location"] },
  },
};

let stack: Stack;
let client: OpenAI;

beforeAll(async () => {
  stack = await startStack();
  client = stack.client();
});
afterAll(() => stack.close());
beforeEach(() => stack.sims[0].setFaults(null));

function lastChatRequest() {
  return stack.sims[0].lastRequest()!.body.chatRequest;
}

async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("non-streaming", () => {
  test("answers with a chat.completion for the client's model name", async () => {
    const completion = await client.chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "What is OCI?" }] });
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("grok-4");
    expect(completion.choices[0].message.role).toBe("assistant");
    expect(completion.choices[0].message.content).toContain("What is OCI?");
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  test("sends OCI the mapped model, the tenancy as compartment and the default max tokens", async () => {
    await client.chat.completions.create({ model: "grok-4", messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "hi" }] });
    const sent = stack.sims[0].lastRequest()!.body;
    expect(sent.servingMode).toEqual({ servingType: "ON_DEMAND", modelId: "xai.grok-4" });
    expect(sent.compartmentId).toBe(stack.config.accounts[0].tenancy);
    expect(sent.chatRequest.apiFormat).toBe("GENERIC");
    expect(sent.chatRequest.maxTokens).toBe(4000);
    expect(sent.chatRequest.messages.map((m: { role: string }) => m.role)).toEqual(["SYSTEM", "USER"]);
  });

  test("passes sampling parameters through", async () => {
    await client.chat.completions.create({
      model: "grok-4",
      messages: [{ role: "user", content: "hi" }],
      max_completion_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    });
    expect(lastChatRequest()).toMatchObject({
      maxTokens: 50,
      temperature: 0.2,
      topP: 0.9,
      stop: ["END"],
      seed: 7,
      frequencyPenalty: 0.5,
      presencePenalty: -0.5,
    });
  });

  test("accepts an OCI model id directly", async () => {
    const completion = await client.chat.completions.create({ model: "xai.grok-4", messages: [{ role: "user", content: "hi" }] });
    expect(completion.model).toBe("xai.grok-4");
    expect(stack.sims[0].lastRequest()!.body.servingMode.modelId).toBe("xai.grok-4");
  });

  test("image parts reach OCI as IMAGE content", async () => {
    const url = "data:image/png;base64,iVBORw0KGgo=";
    const completion = await client.chat.completions.create({
      model: "grok-4",
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url, detail: "high" } }] }],
    });
    expect(completion.choices[0].message.content).toMatch(/1 image/);
    expect(lastChatRequest().messages[0].content).toEqual([
      { type: "TEXT", text: "What is this?" },
      { type: "IMAGE", imageUrl: { url, detail: "HIGH" } },
    ]);
  });

  test("a Cohere model goes out in the COHERE format", async () => {
    const completion = await client.chat.completions.create({
      model: "command-r-plus",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: "second question" },
      ],
    });
    expect(completion.choices[0].message.content).toContain("second question");
    expect(completion.choices[0].finish_reason).toBe("stop");
    const sent = lastChatRequest();
    expect(sent.apiFormat).toBe("COHERE");
    expect(sent.message).toBe("second question");
    expect(sent.preambleOverride).toBe("You are terse.");
    expect(sent.chatHistory.map((m: { role: string }) => m.role)).toEqual(["USER", "CHATBOT"]);
  });
});

describe("tools", () => {
  test("a tool call comes back as OpenAI tool_calls", async () => {
    const completion = await client.chat.completions.create({
      model: "grok-4",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toBeTruthy();
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toHaveProperty("location");
    expect(lastChatRequest().tools[0]).toMatchObject({ type: "FUNCTION", name: "get_weather" });
  });

  test("streamed tool-call fragments reassemble into one call with id and name on the first fragment", async () => {
    const chunks = await collect(
      await client.chat.completions.create({
        model: "grok-4",
        stream: true,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      }),
    );
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments[0].id).toBeTruthy();
    expect(fragments[0].function!.name).toBe("get_weather");
    expect(fragments.slice(1).every((f) => f.id === undefined && f.function?.name === undefined)).toBe(true);
    expect(new Set(fragments.map((f) => f.index))).toEqual(new Set([0]));
    const args = fragments.map((f) => f.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toHaveProperty("location");
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason)).toEqual(["tool_calls"]);
    expect(lastChatRequest().toolChoice).toEqual({ type: "FUNCTION", name: "get_weather" });
  });

  test("Gemini tool calls without ids get generated ids", async () => {
    const completion = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
    });
    expect(completion.choices[0].message.tool_calls![0].id).toMatch(/^call_/);
  });

  test("a tool result round trip reaches OCI as a TOOL message and shapes the answer", async () => {
    const completion = await client.chat.completions.create({
      model: "grok-4",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny, 21C" },
      ],
    });
    expect(completion.choices[0].message.content).toContain("sunny, 21C");
    const sent = lastChatRequest().messages;
    expect(sent[1]).toMatchObject({ role: "ASSISTANT", toolCalls: [{ id: "call_1", type: "FUNCTION", name: "get_weather", arguments: '{"location":"Paris"}' }] });
    expect(sent[2]).toMatchObject({ role: "TOOL", toolCallId: "call_1" });
  });
});

describe("streaming", () => {
  test("streams chunks whose text equals the non-streamed answer", async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Tell me about streaming" }];
    const full = await client.chat.completions.create({ model: "grok-4", messages });
    const chunks = await collect(await client.chat.completions.create({ model: "grok-4", messages, stream: true }));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "grok-4" && c.id === chunks[0].id)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(full.choices[0].message.content);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).length).toBe(1);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(lastChatRequest().streamOptions).toEqual({ isIncludeUsage: true });
  });

  test("include_usage adds a final usage chunk with no choices", async () => {
    const chunks = await collect(
      await client.chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } }),
    );
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
  });

  test.each([
    ["llama-3.3-70b", "a Meta model (sends its own [DONE])"],
    ["grok-4", "an xAI model (sends no [DONE])"],
    ["gpt-oss-120b", "an OpenAI gpt-oss model"],
  ])("%s: exactly one [DONE] for %s", async (model) => {
    const raw = await postRaw(`${stack.baseURL}/chat/completions`, stack.apiKey, { model, stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(raw.data.filter((d) => d === "[DONE]")).toHaveLength(1);
    expect(raw.data[raw.data.length - 1]).toBe("[DONE]");
  });

  test("a Cohere stream does not repeat the text and ends although OCI keeps it open", async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Cohere streaming please" }];
    const full = await client.chat.completions.create({ model: "command-r-plus", messages });
    const started = Date.now();
    const chunks = await collect(await client.chat.completions.create({ model: "command-r-plus", messages, stream: true }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(full.choices[0].message.content);
  });

  test("sends keep-alive comments while the model is silent", async () => {
    const local = await startStack({ settings: { keep_alive_interval: "200ms" } });
    try {
      local.sims[0].setFaults({ ttftMs: 700 });
      const raw = await postRaw(`${local.baseURL}/chat/completions`, local.apiKey, { model: "grok-4", stream: true, messages: [{ role: "user", content: "think hard" }] });
      expect(raw.comments.filter((c) => c.startsWith(": keep-alive")).length).toBeGreaterThanOrEqual(2);
      expect(raw.data[raw.data.length - 1]).toBe("[DONE]");
    } finally {
      await local.close();
    }
  });

  test("a client that goes away cancels the upstream read", async () => {
    // Earlier streams may still be draining (a finished Cohere stream gets a short grace).
    await waitFor(() => stack.sims[0].stats().inFlight === 0);
    stack.sims[0].setFaults({ interChunkMs: 200 });
    const controller = new AbortController();
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "grok-4", stream: true, messages: [{ role: "user", content: "long answer" }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(stack.sims[0].stats().inFlight).toBe(1);
    controller.abort();
    await waitFor(() => stack.sims[0].stats().inFlight === 0);
  });
});

describe("force_non_stream", () => {
  let forced: Stack;
  beforeAll(async () => {
    forced = await startStack({ settings: { force_non_stream: true } });
  });
  afterAll(() => forced.close());

  test("a stream request is answered as a valid stream built from a non-streamed call", async () => {
    const chunks = await collect(
      await forced.client().chat.completions.create({ model: "grok-4", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] }),
    );
    expect(forced.sims[0].lastRequest()!.body.chatRequest.isStream).toBeFalsy();
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toContain("hi");
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).length).toBe(1);
    expect(chunks[chunks.length - 1].usage).toBeTruthy();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
