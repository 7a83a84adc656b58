import { toOpenAIError } from "../openai/errors";

/** Anthropic's error types by HTTP status (docs.claude.com/en/api/errors). */
const TYPES: ReadonlyMap<number, string> = new Map([
  [400, "invalid_request_error"],
  [401, "authentication_error"],
  [403, "permission_error"],
  [404, "not_found_error"],
  [413, "request_too_large"],
  [429, "rate_limit_error"],
  [500, "api_error"],
  [504, "timeout_error"],
  [529, "overloaded_error"],
]);

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

/**
 * Any error the proxy raises, in Anthropic's shape and status codes: the status picks the
 * type (other 4xx are invalid_request_error, other 5xx api_error), and every breaker open
 * (503 all_breakers_open) becomes Anthropic's 529 overloaded_error, which Claude Code and
 * the SDK back off from and retry.
 *
 * @example
 *   toAnthropicError(new NotFoundError("The model 'x' does not exist."));
 *   // { status: 404, body: { type: "error", error: { type: "not_found_error", message: "The model 'x' does not exist." } }, headers: {} }
 */
export function toAnthropicError(err: unknown): { status: number; body: AnthropicErrorBody; headers: Record<string, string> } {
  const error = toOpenAIError(err);
  const status = error.code === "all_breakers_open" ? 529 : error.status;
  const type = TYPES.get(status) ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { status, body: { type: "error", error: { type, message: error.message } }, headers: error.headers };
}

/** {@link toAnthropicError} as a Response. */
export function anthropicErrorResponse(err: unknown): Response {
  const { status, body, headers } = toAnthropicError(err);
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
