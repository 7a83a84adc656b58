import type { OpenAIErrorBody } from "../openai/errors";

/** SSE framing for OpenAI-style streams. */
export const DONE_EVENT = "data: [DONE]\n\n";
export const KEEP_ALIVE_COMMENT = ": keep-alive\n\n";

export function dataEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A mid-stream failure: OpenAI clients raise on an `error` event; no [DONE] follows. */
export function errorEvent(body: OpenAIErrorBody): string {
  return dataEvent(body);
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  // Tells nginx-style proxies not to buffer the stream.
  "x-accel-buffering": "no",
} as const;
