import type { FinishReason, Usage } from "../../shared/openai/chat-types";
import type { OciApiFormat } from "../../shared/oci/translate/oci-chat-types";

/**
 * What each recorded OCI stream (test/fixtures/streams) must come out as, whichever front
 * door translates it: the canonical chunks, Responses events and Messages events.
 */
export interface StreamCase {
  fixture: string;
  format: OciApiFormat;
  content: string;
  reasoning?: string;
  toolCalls?: Array<{ name: string; args: unknown; id?: string }>;
  finish: FinishReason;
  usage: Usage;
  /** Which event makes `done` true (last event unless a trailing sentinel follows). */
  doneAfterEvent: number;
}

export const STREAM_CASES: StreamCase[] = [
  {
    fixture: "meta-text-with-done-sentinel.chunks.txt",
    format: "GENERIC",
    content: "Hello there.",
    finish: "stop",
    usage: { prompt_tokens: 42, completion_tokens: 10, total_tokens: 52 },
    // usage (event 4) completes the stream; the [DONE] after it is not needed.
    doneAfterEvent: 4,
  },
  {
    fixture: "xai-text-usage-after-finish.chunks.txt",
    format: "GENERIC",
    content: "Paris is the capital of France.",
    finish: "stop",
    usage: {
      prompt_tokens: 20,
      completion_tokens: 8,
      total_tokens: 28,
      prompt_tokens_details: { cached_tokens: 16 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    doneAfterEvent: 3,
  },
  {
    fixture: "xai-reasoning-content.chunks.txt",
    format: "GENERIC",
    content: "4",
    reasoning: "The user asks 2+2. That is 4.",
    finish: "stop",
    usage: { prompt_tokens: 14, completion_tokens: 31, total_tokens: 45, completion_tokens_details: { reasoning_tokens: 30 } },
    doneAfterEvent: 4,
  },
  {
    fixture: "meta-tool-call-fragments-without-id-name.chunks.txt",
    format: "GENERIC",
    content: "",
    toolCalls: [
      { name: "get_weather", args: { city: "Paris" }, id: "chatcmpl-tool-a165800d4d7789c7" },
      { name: "get_time", args: { timezone: "Europe/Paris" }, id: "chatcmpl-tool-9be2c6f01d3e44aa" },
    ],
    // Llama says "stop"; a turn that called tools must say tool_calls.
    finish: "tool_calls",
    usage: { prompt_tokens: 310, completion_tokens: 40, total_tokens: 350 },
    doneAfterEvent: 7,
  },
  {
    fixture: "google-tool-call-without-id-uppercase-finish.chunks.txt",
    format: "GENERIC",
    content: "",
    toolCalls: [
      { name: "get_weather", args: { city: "Paris" } },
      { name: "get_weather", args: { city: "Rome" } },
    ],
    finish: "tool_calls",
    usage: { prompt_tokens: 60, completion_tokens: 18, total_tokens: 78 },
    doneAfterEvent: 3,
  },
  {
    fixture: "google-usage-without-completion-tokens.chunks.txt",
    format: "GENERIC",
    content: "",
    finish: "length",
    // completionTokens missing: derived from total - prompt, not reported as 0.
    usage: { prompt_tokens: 7, completion_tokens: 17, total_tokens: 24, completion_tokens_details: { reasoning_tokens: 17 } },
    doneAfterEvent: 2,
  },
  {
    fixture: "cohere-text-repeated-final-text-no-close.chunks.txt",
    format: "COHERE",
    content: "Hello world!",
    finish: "stop",
    usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 },
    doneAfterEvent: 3,
  },
  {
    fixture: "cohere-final-text-longer-than-deltas.chunks.txt",
    format: "COHERE",
    content: "The answer is 42.",
    finish: "stop",
    usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 },
    doneAfterEvent: 2,
  },
  {
    fixture: "cohere-tool-call-restated.chunks.txt",
    format: "COHERE",
    content: "I will look up the weather.",
    toolCalls: [{ name: "get_weather", args: { city: "Paris" } }],
    finish: "tool_calls",
    usage: { prompt_tokens: 26, completion_tokens: 22, total_tokens: 48 },
    doneAfterEvent: 4,
  },
  {
    fixture: "openai-gpt-oss-reasoning.chunks.txt",
    format: "GENERIC",
    content: "Hi!",
    reasoning: "Need a greeting.",
    finish: "stop",
    usage: {
      prompt_tokens: 14,
      completion_tokens: 12,
      total_tokens: 26,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 9 },
    },
    doneAfterEvent: 4,
  },
];
