import { errorResponse } from "../http/error-response";

/**
 * What a function answers when its cold start failed (bad config, unreadable secret): a
 * 500 in OpenAI's error shape, the reason only in the log. The next invocation retries.
 */
export function startupFailureResponse(err: unknown): Response {
  console.error(JSON.stringify({ level: "error", msg: "function start-up failed", error: (err as Error).message }));
  return errorResponse(new Error("start-up failed"));
}
