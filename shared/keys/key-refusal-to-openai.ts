import { AuthenticationError, OpenAIError, RateLimitError } from "../openai/errors";
import { describeRefusal, type KeyRefusal } from "./key-refusal";

/**
 * A team-key refusal in OpenAI's error shape (Chat Completions, Responses, embeddings,
 * models): 401 `invalid_api_key`, 403 `model_not_allowed`, 429 `rate_limit_exceeded` or
 * `insufficient_quota` (not retried by the SDKs) with Retry-After, 503 `key_store_unavailable` with Retry-After.
 *
 * @example
 *   catch (err) { if (err instanceof KeyRefusedError) throw toOpenAIKeyError(err.refusal, err.message); }
 */
export function toOpenAIKeyError(refusal: KeyRefusal, message = describeRefusal(refusal)): OpenAIError {
  switch (refusal.kind) {
    case "invalid_key":
      return new AuthenticationError(message);
    case "model_not_allowed":
      return new OpenAIError(403, message, "permission_error", "model", "model_not_allowed");
    case "rate_limited":
      return new RateLimitError(message, refusal.retryAfterMs / 1000, "rate_limit_exceeded");
    case "quota_exhausted":
      // Not RateLimitError: its Retry-After is capped at a minute, and this one runs to UTC
      // midnight. x-should-retry tells the OpenAI and Anthropic SDKs not to retry in vain.
      return new OpenAIError(429, message, "rate_limit_error", null, "insufficient_quota", {
        "retry-after": String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))),
        "x-should-retry": "false",
      });
    case "unavailable":
      return new OpenAIError(503, message, "server_error", null, "key_store_unavailable", {
        "retry-after": String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))),
      });
  }
}
