import { fromOciChatResponse } from "../../shared/oci/translate/from-oci-chat-response";
import { UpstreamProtocolError } from "../../shared/oci/translate/upstream-protocol-error";

const ctx = { id: "chatcmpl-1", created: 1_700_000_000, model: "my-grok" };

describe("fromOciChatResponse: GENERIC", () => {
  it("joins TEXT parts, keeps reasoning and maps usage details", () => {
    const completion = fromOciChatResponse(
      {
        modelId: "xai.grok-3-mini",
        modelVersion: "1.0",
        chatResponse: {
          apiFormat: "GENERIC",
          timeCreated: "2025-01-01T00:00:00Z",
          choices: [
            {
              index: 0,
              message: {
                role: "ASSISTANT",
                content: [
                  { type: "TEXT", text: "Hello " },
                  { type: "TEXT", text: "world" },
                ],
                reasoningContent: "greet",
              },
              finishReason: "stop",
            },
          ],
          usage: {
            promptTokens: 10,
            completionTokens: 5,
            totalTokens: 15,
            promptTokensDetails: { cachedTokens: 3 },
            completionTokensDetails: { reasoningTokens: 2 },
          },
        },
      },
      ctx,
    );
    expect(completion).toEqual({
      ...ctx,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello world", reasoning_content: "greet", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 3 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
  });

  it("turns flat tool calls into OpenAI ones, generating missing ids, with content null", () => {
    const completion = fromOciChatResponse(
      {
        chatResponse: {
          apiFormat: "GENERIC",
          choices: [
            {
              index: 0,
              message: {
                role: "ASSISTANT",
                toolCalls: [
                  { id: "call_a", type: "FUNCTION", name: "get_weather", arguments: "{\"city\":\"Paris\"}" },
                  { type: "FUNCTION", name: "get_time", arguments: { tz: "UTC" } },
                ],
              },
              finishReason: "STOP",
            },
          ],
        },
      },
      ctx,
    );
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } },
      { id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: "function", function: { name: "get_time", arguments: "{\"tz\":\"UTC\"}" } },
    ]);
    expect(completion.usage).toBeUndefined();
  });

  it("keeps length even when tool calls are present", () => {
    const completion = fromOciChatResponse(
      { chatResponse: { choices: [{ message: { toolCalls: [{ id: "x", name: "f", arguments: "{" }] }, finishReason: "MAX_TOKENS" }] } },
      ctx,
    );
    expect(completion.choices[0].finish_reason).toBe("length");
  });

  it("answers an empty string when there is neither text nor tool calls", () => {
    const completion = fromOciChatResponse({ chatResponse: { choices: [{ message: { role: "ASSISTANT" }, finishReason: "stop" }] } }, ctx);
    expect(completion.choices[0].message.content).toBe("");
  });
});

describe("fromOciChatResponse: COHERE", () => {
  it("maps text, tool calls (stringified parameters, generated ids), finish and usage", () => {
    const completion = fromOciChatResponse(
      {
        modelId: "cohere.command-a-03-2025",
        chatResponse: {
          apiFormat: "COHERE",
          text: "I will look up the weather.",
          finishReason: "COMPLETE",
          toolCalls: [{ name: "get_weather", parameters: { location: "Tokyo" } }],
          usage: { promptTokens: 26, completionTokens: 22, totalTokens: 48 },
        },
      },
      ctx,
    );
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: "I will look up the weather.",
          refusal: null,
          tool_calls: [{ id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_weather", arguments: "{\"location\":\"Tokyo\"}" } }],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 26, completion_tokens: 22, total_tokens: 48 });
  });

  it.each([
    ["MAX_TOKENS", "length"],
    ["ERROR_TOXIC", "content_filter"],
    ["COMPLETE", "stop"],
  ])("maps finishReason %s → %s", (reason, expected) => {
    const completion = fromOciChatResponse({ chatResponse: { apiFormat: "COHERE", text: "x", finishReason: reason } }, ctx);
    expect(completion.choices[0].finish_reason).toBe(expected);
  });
});

describe("fromOciChatResponse: unreadable answers", () => {
  it.each([
    ["null", null],
    ["a string", "nope"],
    ["no choices", { chatResponse: { apiFormat: "GENERIC", choices: [] } }],
    ["choices not an array", { chatResponse: { choices: {} } }],
    ["a choice that is not an object", { chatResponse: { choices: [1] } }],
  ])("throws UpstreamProtocolError for %s", (_name, body) => {
    expect(() => fromOciChatResponse(body, ctx)).toThrow(UpstreamProtocolError);
  });
});
