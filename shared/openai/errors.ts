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

function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "retry-after": String(Math.max(1, Math.ceil(seconds))) };
}

/** Wraps anything thrown into an OpenAIError; unknown throwables become a 500 without internals. */
export function toOpenAIError(err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  return new OpenAIError(500, "Internal error in the proxy.", "server_error", null, "internal_error");
}
