import type { Context } from "hono";

/**
 * Whether a request came through the Anthropic door: the Messages API paths, or any request
 * carrying `anthropic-version` (Anthropic clients send it on every call, /v1/models too).
 * Such requests get Anthropic's error shape and are told about `x-api-key` first.
 *
 * @example
 *   isAnthropicRequest(c) ? anthropicErrorResponse(err) : errorResponse(err);
 */
export function isAnthropicRequest(c: Context): boolean {
  const path = c.req.path;
  return path.startsWith("/v1/messages") || path.startsWith("/messages") || c.req.header("anthropic-version") !== undefined;
}
