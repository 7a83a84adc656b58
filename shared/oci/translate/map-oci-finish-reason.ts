import type { FinishReason } from "../../openai/chat-types";

const REASONS: ReadonlyMap<string, FinishReason> = new Map<string, FinishReason>([
  // GENERIC vendors mostly send OpenAI's own lower-case names; Gemini and Cohere shout.
  ["stop", "stop"],
  ["complete", "stop"],
  ["end_turn", "stop"],
  ["eos", "stop"],
  ["stop_sequence", "stop"],
  ["length", "length"],
  ["max_tokens", "length"],
  // Cohere: the conversation no longer fits the model's context.
  ["error_limit", "length"],
  ["tool_calls", "tool_calls"],
  ["tool_call", "tool_calls"],
  ["function_call", "tool_calls"],
  ["content_filter", "content_filter"],
  ["content_filtered", "content_filter"],
  ["safety", "content_filter"],
  ["recitation", "content_filter"],
  ["blocklist", "content_filter"],
  ["prohibited_content", "content_filter"],
  ["spii", "content_filter"],
  ["error_toxic", "content_filter"],
]);

/**
 * Maps an OCI `finishReason` in any vendor's casing to OpenAI's `finish_reason`.
 * Unknown non-empty reasons become "stop" (the answer ended; clients switch on these
 * four values only); absent or empty ones stay null.
 *
 * @example
 *   mapOciFinishReason("MAX_TOKENS"); // "length"
 *   mapOciFinishReason("COMPLETE");   // "stop"
 *   mapOciFinishReason(undefined);    // null
 */
export function mapOciFinishReason(reason: string | undefined | null): FinishReason | null {
  if (typeof reason !== "string" || reason.length === 0) return null;
  return REASONS.get(reason) ?? REASONS.get(reason.toLowerCase()) ?? "stop";
}
