import { clip } from "./clip";

/**
 * OpenAI-style errors. Every failure a client can see is one of these, rendered as
 * `{"error":{"message","type","param","code"}}` with the matching HTTP status.
 *
 * @example
 *   throw new InvalidRequestError("messages[0].role must be one of ...", "messages[0].role");
 */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "upstream_error"
  | "timeout_error"
  | "server_error"
  | "overloaded_error";

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAIErrorType,
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers, e.g. Retry-After on 429/503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export class InvalidRequestError extends OpenAIError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(400, message, "invalid_request_error", param, code);
  }
}

export class AuthenticationError extends OpenAIError {
  constructor(message = "Invalid API key. Send it as 'Authorization: Bearer <key>'.") {
    super(401, message, "authentication_error", null, "invalid_api_key");
  }
}

export class NotFoundError extends OpenAIError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(404, message, "not_found_error", param, code);
  }
}

/** A known path asked with a method it does not serve (RFC 9110: 405 names the allowed ones). */
export class MethodNotAllowedError extends OpenAIError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(
      405,
      `Method ${clip(method, 16)} is not allowed on ${clip(path)}; use ${allowed.join(" or ")}.`,
      "invalid_request_error",
      null,
      "method_not_allowed",
      { allow: allowed.join(", ") },
    );
  }
}

export class PayloadTooLargeError extends OpenAIError {
  /**
   * @param closeConnection The body was only partly read: the connection cannot carry
   *   another request, so tell the client not to reuse it.
   */
  constructor(limitBytes: number, closeConnection = false) {
    super(
      413,
      `Request body is larger than the limit of ${limitBytes} bytes.`,
      "invalid_request_error",
      null,
      "request_too_large",
      closeConnection ? { connection: "close" } : {},
    );
  }
}

/**
 * The client went away before its answer was ready (status 499, as nginx logs it). Nobody
 * reads this response; it exists so the request's log line says "cancelled" (and where)
 * instead of blaming OCI.
 */
export class ClientClosedRequestError extends OpenAIError {
  constructor(readonly stage: "queue" | "upstream") {
    super(
      499,
      stage === "queue" ? "The client went away while the request waited in the queue." : "The client went away before the answer was complete.",
      "invalid_request_error",
      null,
      "client_closed_request",
    );
  }
}

export class RateLimitError extends OpenAIError {
  constructor(message: string, retryAfterSeconds: number | undefined, code = "rate_limit_exceeded") {
    super(429, message, "rate_limit_error", null, code, retryAfterHeader(retryAfterSeconds));
  }
}

/** The proxy could not get an answer from any upstream account (502/503/504). */
export class UpstreamError extends OpenAIError {
  constructor(
    status: 502 | 503 | 504,
    message: string,
    code: string | null = null,
    retryAfterSeconds?: number,
  ) {
    super(status, message, status === 504 ? "timeout_error" : "upstream_error", null, code, retryAfterHeader(retryAfterSeconds));
  }
}

/**
 * The longest Retry-After the proxy ever sends (and the longest 429 cooldown it keeps):
 * OCI's own value is only a hint, and a client told to wait hours would simply stop.
 */
export const MAX_RETRY_AFTER_SECONDS = 60;

function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  if (seconds === undefined) return {};
  const clamped = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
  return { "retry-after": String(Number.isFinite(clamped) ? clamped : MAX_RETRY_AFTER_SECONDS) };
}

/**
 * 404 for a model name that is not in [MODELS], listing the ones the caller may use (what
 * it most likely meant to send).
 *
 * @example
 *   modelNotFound("gpt-5", ["grok-4", "llama-3.3-70b"]).message
 *   // "The model 'gpt-5' does not exist. Available models: grok-4, llama-3.3-70b."
 */
export function modelNotFound(name: string, available: Iterable<string>): NotFoundError {
  return new NotFoundError(`The model '${clip(name)}' does not exist. Available models: ${[...available].join(", ") || "none"}.`, "model", "model_not_found");
}

/** Wraps anything thrown into an OpenAIError; unknown throwables become a 500 without internals. */
export function toOpenAIError(err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  return new OpenAIError(500, "Internal error in the proxy.", "server_error", null, "internal_error");
}
