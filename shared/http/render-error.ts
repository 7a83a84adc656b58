import type { Context } from "hono";
import { anthropicErrorResponse } from "../anthropic/anthropic-error";
import { errorResponse } from "./error-response";
import { isAnthropicRequest } from "./is-anthropic-request";
import { clientErrorOf } from "./upstream-failure-to-openai";

/**
 * Any error a request ends with, as a response in its API's shape: Anthropic's for the
 * Messages API and for any request carrying `anthropic-version` (Anthropic clients send it
 * on every call, so a 401, 404 or 405 comes back in the shape their SDK reads), OpenAI's
 * otherwise. Upstream failures are mapped to the client's error first.
 *
 * @example
 *   app.onError((err, c) => renderError(c, err));
 */
export function renderError(c: Context, err: unknown): Response {
  const error = clientErrorOf(err);
  return isAnthropicRequest(c) ? anthropicErrorResponse(error) : errorResponse(error);
}
