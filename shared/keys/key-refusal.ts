/**
 * Why a team key may not make a request: the domain outcome, not a wire format. Each front
 * door (OpenAI Chat Completions and Responses, Anthropic Messages) maps it to its own error
 * shape and status; `toOpenAIKeyError` is the OpenAI mapping.
 */
export type KeyRefusal =
  /** Unknown, revoked or expired key. */
  | { kind: "invalid_key"; why: "unknown" | "revoked" | "expired"; keyId?: string }
  /** The key's `models` list does not include the requested model. */
  | { kind: "model_not_allowed"; keyId: string; model: string; allowed: readonly string[] }
  /** Over `rpm` or `tpm` in the sliding minute. */
  | { kind: "rate_limited"; keyId: string; limit: "rpm" | "tpm"; max: number; retryAfterMs: number }
  /** Over `daily_tokens` for the current UTC day; `retryAfterMs` runs to UTC midnight. */
  | { kind: "quota_exhausted"; keyId: string; limit: "daily_tokens"; max: number; retryAfterMs: number }
  /** The keys could not be read (a cold instance and an unreachable state store). */
  | { kind: "unavailable"; retryAfterMs: number };

/**
 * Thrown by {@link TeamKeys.authenticate} and {@link TeamKeys.admit}. The message is safe to
 * show the caller (it names limits and models, never a key).
 *
 * @example
 *   try { await keys.admit(key, "grok-4"); }
 *   catch (err) { if (err instanceof KeyRefusedError) return myFrontDoorError(err.refusal); throw err; }
 */
export class KeyRefusedError extends Error {
  constructor(readonly refusal: KeyRefusal) {
    super(describeRefusal(refusal));
    this.name = "KeyRefusedError";
  }
}

/** What a refusal tells the caller (names limits and models, never a key). */
export function describeRefusal(refusal: KeyRefusal): string {
  switch (refusal.kind) {
    case "invalid_key":
      if (refusal.why === "revoked") return "This API key has been revoked.";
      if (refusal.why === "expired") return "This API key has expired.";
      return "Invalid API key.";
    case "model_not_allowed":
      return `This API key may not use the model '${refusal.model}'; it may use: ${refusal.allowed.join(", ") || "no model"}.`;
    case "rate_limited":
      return `Rate limit reached for this API key: ${refusal.max} ${refusal.limit === "rpm" ? "requests" : "tokens"} per minute. Try again in ${Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))} s.`;
    case "quota_exhausted":
      return `This API key has used its ${refusal.max} tokens for today (UTC); the quota resets at 00:00 UTC.`;
    case "unavailable":
      return "API keys cannot be checked right now; try again shortly.";
  }
}
