import type { ChatCompletionRequest } from "../openai/chat-types";

/** Rough English/code average for the vendors' BPE tokenizers. */
const CHARS_PER_TOKEN = 4;
/** Role markers and separators each message costs. */
const PER_MESSAGE = 4;
/** An image's cost without decoding it: about Anthropic's figure for a ~1.15-megapixel image. */
const PER_IMAGE = 1_600;

/**
 * An estimate of the prompt tokens a canonical chat request costs: characters of text,
 * tool-call arguments and tool schemas divided by four, plus a little per message and a
 * flat cost per image. OCI has no token-counting endpoint and each vendor tokenizes
 * differently, so this is an estimate (within roughly ±20 % for English prose and code),
 * good for budgeting a context window, not for billing.
 *
 * @example
 *   estimatePromptTokens({ model: "m", messages: [{ role: "user", content: "Hello there, how are you?" }] }); // 11
 */
export function estimatePromptTokens(request: ChatCompletionRequest): number {
  let chars = 0;
  let fixed = 0;
  for (const message of request.messages) {
    fixed += PER_MESSAGE;
    const content = message.content;
    if (typeof content === "string") chars += content.length;
    else if (content) {
      for (const part of content) {
        if (part.type === "text") chars += part.text.length;
        else fixed += PER_IMAGE;
      }
    }
    for (const call of message.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  for (const tool of request.tools ?? []) {
    chars += tool.function.name.length + (tool.function.description?.length ?? 0);
    if (tool.function.parameters) chars += JSON.stringify(tool.function.parameters).length;
  }
  return fixed + Math.ceil(chars / CHARS_PER_TOKEN);
}
