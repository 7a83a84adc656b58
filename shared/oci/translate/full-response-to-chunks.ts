import type { ChatCompletion, ChatCompletionChunk, FinishReason } from "../../openai/chat-types";

type Delta = ChatCompletionChunk["choices"][number]["delta"];

/**
 * Replays a complete answer as the chunk sequence a streaming client expects, for when
 * the client asked for a stream but the proxy called OCI without one (force_non_stream):
 * a role chunk (carrying the first of reasoning, content or tool calls), the rest of
 * those, one finish chunk per choice, then the usage chunk if the client asked for it.
 *
 * @example
 *   fullResponseToChunks(completion, true).map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
 */
export function fullResponseToChunks(completion: ChatCompletion, includeUsage: boolean): ChatCompletionChunk[] {
  const { id, created, model } = completion;
  const out: ChatCompletionChunk[] = [];
  const push = (index: number, delta: Delta, finish: FinishReason | null) =>
    out.push({ id, object: "chat.completion.chunk", created, model, choices: [{ index, delta, finish_reason: finish }] });

  for (const choice of completion.choices) {
    const message = choice.message;
    // The first delta carries the role; it absorbs the first thing there is to say.
    let pending: Delta | undefined = { role: "assistant" };
    if (message.reasoning_content) {
      pending.reasoning_content = message.reasoning_content;
      push(choice.index, pending, null);
      pending = undefined;
    }
    if (message.content) {
      const delta: Delta = pending ?? {};
      delta.content = message.content;
      push(choice.index, delta, null);
      pending = undefined;
    }
    const calls = message.tool_calls;
    if (calls && calls.length > 0) {
      const delta: Delta = pending ?? {};
      delta.tool_calls = calls.map((call, index) => ({
        index,
        id: call.id,
        type: "function",
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
      push(choice.index, delta, null);
      pending = undefined;
    }
    if (pending) {
      pending.content = "";
      push(choice.index, pending, null);
    }
    push(choice.index, {}, choice.finish_reason ?? "stop");
  }

  if (includeUsage && completion.usage) {
    out.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage: completion.usage });
  }
  return out;
}
