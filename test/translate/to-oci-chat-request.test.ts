import type { ChatCompletionRequest, ChatMessage } from "../../shared/openai/chat-types";
import { InvalidRequestError } from "../../shared/openai/errors";
import { validateChatRequest } from "../../shared/openai/validate-chat-request";
import { selectOciApiFormat } from "../../shared/oci/translate/select-oci-api-format";
import { toOciChatRequest } from "../../shared/oci/translate/to-oci-chat-request";

const OPTS = { defaultMaxTokens: 4000, stream: false };
const USER: ChatMessage = { role: "user", content: "hi" };

/** Requests go through the validator first, as in the route. */
function translate(fields: Partial<ChatCompletionRequest>, model = "meta.llama-3.3-70b-instruct", opts = OPTS) {
  const req = validateChatRequest({ model: "client-name", messages: [USER], ...fields });
  return toOciChatRequest(req, model, opts) as unknown as Record<string, unknown>;
}

function paramOf(fn: () => unknown): string | null | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).param;
  }
  throw new Error("expected an InvalidRequestError");
}

describe("selectOciApiFormat", () => {
  it.each([
    ["cohere.command-a-03-2025", "COHERE"],
    ["cohere.command-r-plus-08-2024", "COHERE"],
    ["cohere.command-a-vision-07-2025", "GENERIC"],
    ["meta.llama-3.3-70b-instruct", "GENERIC"],
    ["xai.grok-4", "GENERIC"],
    ["openai.gpt-oss-120b", "GENERIC"],
    ["google.gemini-2.5-pro", "GENERIC"],
  ])("%s → %s", (model, format) => {
    expect(selectOciApiFormat(model)).toBe(format);
  });
});

describe("toOciChatRequest: GENERIC", () => {
  it("builds the minimal request with the default max tokens and no stream fields", () => {
    expect(translate({})).toEqual({
      apiFormat: "GENERIC",
      messages: [{ role: "USER", content: [{ type: "TEXT", text: "hi" }] }],
      maxTokens: 4000,
    });
  });

  it.each<[string, Partial<ChatCompletionRequest>, Record<string, unknown>]>([
    ["max_tokens", { max_tokens: 50 }, { maxTokens: 50 }],
    ["max_completion_tokens over max_tokens", { max_tokens: 50, max_completion_tokens: 70 }, { maxTokens: 70 }],
    ["temperature", { temperature: 0.3 }, { temperature: 0.3 }],
    ["top_p", { top_p: 0.9 }, { topP: 0.9 }],
    ["top_k", { top_k: 40 }, { topK: 40 }],
    ["frequency_penalty", { frequency_penalty: -1.5 }, { frequencyPenalty: -1.5 }],
    ["presence_penalty", { presence_penalty: 1 }, { presencePenalty: 1 }],
    ["stop as a string", { stop: "END" }, { stop: ["END"] }],
    ["stop as an array", { stop: ["a", "b"] }, { stop: ["a", "b"] }],
    ["seed", { seed: 7 }, { seed: 7 }],
    ["n", { n: 1 }, { numGenerations: 1 }],
    ["logprobs", { logprobs: true, top_logprobs: 3 }, { logProbs: 3 }],
    ["logit_bias", { logit_bias: { "42": -100 } }, { logitBias: { "42": -100 } }],
    ["response_format text", { response_format: { type: "text" } }, { responseFormat: { type: "TEXT" } }],
    ["response_format json_object", { response_format: { type: "json_object" } }, { responseFormat: { type: "JSON_OBJECT" } }],
    [
      "response_format json_schema",
      { response_format: { type: "json_schema", json_schema: { name: "out", description: "d", schema: { type: "object" }, strict: true } } },
      { responseFormat: { type: "JSON_SCHEMA", jsonSchema: { name: "out", description: "d", schema: { type: "object" }, isStrict: true } } },
    ],
    ["reasoning_effort", { reasoning_effort: "minimal" }, { reasoningEffort: "MINIMAL" }],
    ["reasoning_effort none", { reasoning_effort: "none" }, { reasoningEffort: "NONE" }],
  ])("maps %s", (_name, fields, expected) => {
    expect(translate(fields)).toMatchObject(expected);
  });

  it.each<[string, Partial<ChatCompletionRequest>]>([
    ["temperature", { temperature: null as unknown as number }],
    ["stop", { stop: null as unknown as string }],
    ["tools", { tools: null as unknown as [] }],
  ])("treats null %s as absent", (_name, fields) => {
    expect(translate(fields)).toEqual(translate({}));
  });

  it("asks for a stream with usage whenever streaming, whatever the client asked", () => {
    const out = translate({ stream: true, stream_options: { include_usage: false } }, undefined, { ...OPTS, stream: true });
    expect(out).toMatchObject({ isStream: true, streamOptions: { isIncludeUsage: true } });
    expect(translate({ stream: true })).not.toHaveProperty("isStream");
  });

  it("uses maxCompletionTokens for OpenAI's hosted models but maxTokens for gpt-oss", () => {
    expect(translate({ max_tokens: 9 }, "openai.gpt-5")).toMatchObject({ maxCompletionTokens: 9 });
    expect(translate({ max_tokens: 9 }, "openai.gpt-5")).not.toHaveProperty("maxTokens");
    expect(translate({ max_tokens: 9 }, "openai.gpt-oss-120b")).toMatchObject({ maxTokens: 9 });
  });

  it("maps every role and content part", () => {
    const out = translate(
      {
        messages: [
          { role: "system", content: "sys" },
          { role: "developer", content: [{ type: "text", text: "dev" }] },
          {
            role: "user",
            name: "ann",
            content: [
              { type: "text", text: "look" },
              { type: "image_url", image_url: { url: "https://x/cat.png", detail: "high" } },
              { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            ],
          },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }],
          },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
          { role: "assistant", content: "It is sunny." },
        ],
      },
      "xai.grok-4",
    );
    expect(out.messages).toEqual([
      { role: "SYSTEM", content: [{ type: "TEXT", text: "sys" }] },
      // DEVELOPER is an OpenAI-model role; other vendors read it as SYSTEM.
      { role: "SYSTEM", content: [{ type: "TEXT", text: "dev" }] },
      {
        role: "USER",
        name: "ann",
        content: [
          { type: "TEXT", text: "look" },
          { type: "IMAGE", imageUrl: { url: "https://x/cat.png", detail: "HIGH" } },
          { type: "IMAGE", imageUrl: { url: "data:image/png;base64,AAAA" } },
        ],
      },
      {
        role: "ASSISTANT",
        toolCalls: [{ id: "call_1", type: "FUNCTION", name: "get_weather", arguments: "{\"city\":\"Paris\"}" }],
      },
      { role: "TOOL", toolCallId: "call_1", content: [{ type: "TEXT", text: "sunny" }] },
      { role: "ASSISTANT", content: [{ type: "TEXT", text: "It is sunny." }] },
    ]);
  });

  it("keeps DEVELOPER for OpenAI models", () => {
    const out = translate({ messages: [{ role: "developer", content: "dev" }, USER] }, "openai.gpt-4.1");
    expect((out.messages as Array<{ role: string }>)[0].role).toBe("DEVELOPER");
  });

  it("maps tools, tool_choice and parallel_tool_calls", () => {
    const params = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools: ChatCompletionRequest["tools"] = [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: params, strict: true } },
      { type: "function", function: { name: "now" } },
    ];
    const out = translate({ tools, tool_choice: { type: "function", function: { name: "now" } }, parallel_tool_calls: false });
    expect(out).toMatchObject({
      tools: [
        { type: "FUNCTION", name: "get_weather", description: "Weather", parameters: params },
        { type: "FUNCTION", name: "now", description: "", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { type: "FUNCTION", name: "now" },
      isParallelToolCalls: false,
    });
    // The client's schema object is referenced, not copied.
    expect((out.tools as Array<{ parameters: unknown }>)[0].parameters).toBe(params);
  });

  it.each([
    ["auto", { type: "AUTO" }],
    ["none", { type: "NONE" }],
    ["required", { type: "REQUIRED" }],
  ] as const)("maps tool_choice %s", (choice, expected) => {
    const tools: ChatCompletionRequest["tools"] = [{ type: "function", function: { name: "f" } }];
    expect(translate({ tools, tool_choice: choice }).toolChoice).toEqual(expected);
  });

  it("drops tool settings when there are no tools", () => {
    const out = translate({ tools: [], tool_choice: "auto", parallel_tool_calls: true });
    expect(out).not.toHaveProperty("tools");
    expect(out).not.toHaveProperty("toolChoice");
    expect(out).not.toHaveProperty("isParallelToolCalls");
  });
});

describe("toOciChatRequest: COHERE", () => {
  const COHERE = "cohere.command-a-03-2025";

  it("sends the last user message as message, system text as preambleOverride", () => {
    const out = translate(
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: "Use French." },
          { role: "user", content: "hi" },
          { role: "assistant", content: "salut" },
          { role: "user", content: [{ type: "text", text: "ça va" }, { type: "text", text: "?" }] },
        ],
        temperature: 0.5,
        top_p: 0.8,
        top_k: 20,
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
        stop: "END",
        seed: 3,
        max_tokens: 100,
      },
      COHERE,
      { ...OPTS, stream: true },
    );
    expect(out).toEqual({
      apiFormat: "COHERE",
      message: "ça va?",
      chatHistory: [
        { role: "USER", message: "hi" },
        { role: "CHATBOT", message: "salut" },
      ],
      preambleOverride: "Be brief.\nUse French.",
      maxTokens: 100,
      temperature: 0.5,
      topP: 0.8,
      topK: 20,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      stopSequences: ["END"],
      seed: 3,
      isStream: true,
      streamOptions: { isIncludeUsage: true },
    });
  });

  it("uses the default max tokens and drops what Cohere v1 cannot take", () => {
    const out = translate(
      { top_k: -1, logprobs: true, reasoning_effort: "high", logit_bias: { "1": 1 }, parallel_tool_calls: true },
      COHERE,
    );
    expect(out).toEqual({ apiFormat: "COHERE", message: "hi", chatHistory: [], maxTokens: 4000 });
  });

  it("flattens tool schemas into parameterDefinitions", () => {
    const out = translate(
      {
        tools: [
          {
            type: "function",
            function: {
              name: "search",
              description: "Search the web",
              parameters: {
                type: "object",
                properties: {
                  query: { type: "string", description: "What to look for" },
                  limit: { type: "integer" },
                  unit: { type: ["string", "null"], enum: ["c", "f"] },
                  filters: { type: "object" },
                  tags: { type: "array", items: { type: "string" } },
                  ["__proto__"]: { type: "boolean" },
                },
                required: ["query"],
              },
            },
          },
          { type: "function", function: { name: "ping" } },
        ],
      },
      COHERE,
    );
    expect(JSON.parse(JSON.stringify(out.tools))).toEqual([
      {
        name: "search",
        description: "Search the web",
        parameterDefinitions: {
          query: { type: "str", description: "What to look for", isRequired: true },
          limit: { type: "int", isRequired: false },
          unit: { type: "str", description: 'Allowed values: "c", "f"', isRequired: false },
          filters: { type: "Dict", isRequired: false },
          tags: { type: "List", isRequired: false },
          ["__proto__"]: { type: "bool", isRequired: false },
        },
      },
      { name: "ping", description: "" },
    ]);
  });

  it("round-trips a tool call: history keeps the call, trailing results go to toolResults with message \"\"", () => {
    const out = translate(
      {
        messages: [
          { role: "user", content: "Weather in Paris and Rome?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "c1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } },
              { id: "c2", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "{\"temp\":21}" },
          { role: "tool", tool_call_id: "c2", content: "rainy" },
        ],
      },
      COHERE,
    );
    expect(out).toMatchObject({
      message: "",
      chatHistory: [
        { role: "USER", message: "Weather in Paris and Rome?" },
        {
          role: "CHATBOT",
          message: " ",
          toolCalls: [
            { name: "get_weather", parameters: { city: "Paris" } },
            { name: "get_weather", parameters: { city: "Rome" } },
          ],
        },
      ],
      toolResults: [
        { call: { name: "get_weather", parameters: { city: "Paris" } }, outputs: [{ temp: 21 }] },
        { call: { name: "get_weather", parameters: { city: "Rome" } }, outputs: [{ result: "rainy" }] },
      ],
    });
  });

  it("keeps earlier tool results in history as one TOOL entry per assistant turn", () => {
    const out = translate(
      {
        messages: [
          { role: "user", content: "q" },
          {
            role: "assistant",
            content: "checking",
            tool_calls: [
              { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
              { id: "b", type: "function", function: { name: "g", arguments: "" } },
            ],
          },
          { role: "tool", tool_call_id: "a", content: "1" },
          { role: "tool", tool_call_id: "b", content: "[{\"x\":1},{\"x\":2}]" },
          { role: "assistant", content: "done" },
          { role: "user", content: "thanks" },
        ],
      },
      COHERE,
    );
    expect(out.message).toBe("thanks");
    expect(out.chatHistory).toEqual([
      { role: "USER", message: "q" },
      { role: "CHATBOT", message: "checking", toolCalls: [{ name: "f", parameters: {} }, { name: "g", parameters: {} }] },
      {
        role: "TOOL",
        toolResults: [
          { call: { name: "f", parameters: {} }, outputs: [{ result: "1" }] },
          { call: { name: "g", parameters: {} }, outputs: [{ x: 1 }, { x: 2 }] },
        ],
      },
      { role: "CHATBOT", message: "done" },
    ]);
    expect(out).not.toHaveProperty("toolResults");
  });

  it.each([
    [{ type: "text" } as const, { type: "TEXT" }],
    [{ type: "json_object" } as const, { type: "JSON_OBJECT" }],
    [
      { type: "json_schema", json_schema: { name: "o", schema: { type: "object" } } } as const,
      { type: "JSON_OBJECT", schema: { type: "object" } },
    ],
  ])("maps response_format %j", (format, expected) => {
    expect(translate({ response_format: format }, COHERE).responseFormat).toEqual(expected);
  });

  it("rejects images with the part named", () => {
    const param = paramOf(() =>
      translate(
        {
          messages: [
            { role: "user", content: "first" },
            { role: "assistant", content: "ok" },
            { role: "user", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] },
          ],
        },
        COHERE,
      ),
    );
    expect(param).toBe("messages[2].content[1]");
  });

  it("rejects tool call arguments that are not a JSON object", () => {
    const param = paramOf(() =>
      translate(
        {
          messages: [
            USER,
            { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "[1]" } }] },
            { role: "tool", tool_call_id: "a", content: "x" },
          ],
        },
        COHERE,
      ),
    );
    expect(param).toBe("messages[1].tool_calls[0].function.arguments");
  });

  it("rejects a tool result that answers no known call", () => {
    const param = paramOf(() => translate({ messages: [USER, { role: "tool", tool_call_id: "ghost", content: "x" }] }, COHERE));
    expect(param).toBe("messages[1].tool_call_id");
  });

  it("rejects a conversation of system messages only", () => {
    expect(paramOf(() => translate({ messages: [{ role: "system", content: "s" }] }, COHERE))).toBe("messages");
  });
});
