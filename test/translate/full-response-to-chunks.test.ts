import type { ChatCompletion } from "../../shared/openai/chat-types";
import { fullResponseToChunks } from "../../shared/oci/translate/full-response-to-chunks";
import { IDENTITY, reassemble } from "./stream-fixture";

function completion(message: Partial<ChatCompletion["choices"][number]["message"]>, finish: ChatCompletion["choices"][number]["finish_reason"]): ChatCompletion {
  return {
    ...IDENTITY,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, ...message }, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  };
}

describe("fullResponseToChunks", () => {
  it("replays text, reasoning, finish and usage as a valid stream", () => {
    const chunks = fullResponseToChunks(completion({ content: "Hi!", reasoning_content: "think" }, "stop"), true);
    expect(reassemble(chunks)).toEqual({
      content: "Hi!",
      reasoning: "think",
      toolCalls: [],
      finishReasons: ["stop"],
      usageChunks: [{ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }],
    });
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", reasoning_content: "think" });
  });

  it("replays tool calls with their ids and indices, and no usage unless asked", () => {
    const calls = [
      { id: "call_1", type: "function" as const, function: { name: "a", arguments: "{}" } },
      { id: "call_2", type: "function" as const, function: { name: "b", arguments: "{\"x\":1}" } },
    ];
    const chunks = fullResponseToChunks(completion({ tool_calls: calls }, "tool_calls"), false);
    const got = reassemble(chunks);
    expect(got.toolCalls).toEqual([
      { index: 0, id: "call_1", name: "a", arguments: "{}" },
      { index: 1, id: "call_2", name: "b", arguments: "{\"x\":1}" },
    ]);
    expect(got.finishReasons).toEqual(["tool_calls"]);
    expect(got.usageChunks).toEqual([]);
    expect(chunks).toHaveLength(2);
  });

  it("gives an empty answer a role chunk with content \"\"", () => {
    const chunks = fullResponseToChunks(completion({ content: "" }, "length"), false);
    expect(chunks.map((c) => c.choices[0])).toEqual([
      { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: "length" },
    ]);
  });
});
