import { InvalidRequestError, OpenAIError, RateLimitError, UpstreamError, toOpenAIError } from "../openai/errors";
import { UpstreamFailure } from "../oci/upstream-failure";

/**
 * Anything a request failed with, as the error its client gets (each front door then
 * renders it in its own API's shape): an upstream failure through
 * {@link upstreamFailureToOpenAI}, an OpenAIError as it is, anything else a bare 500.
 *
 * @example
 *   clientErrorOf(new UpstreamFailure("timeout", "slow")).status // 504
 */
export function clientErrorOf(err: unknown): OpenAIError {
  return err instanceof UpstreamFailure ? upstreamFailureToOpenAI(err) : toOpenAIError(err);
}

/**
 * The client-facing error for a failed upstream call: the client's own mistakes keep
 * their 4xx, everything the client cannot fix becomes 502/504 with the likely cause.
 */
export function upstreamFailureToOpenAI(failure: UpstreamFailure): OpenAIError {
  const { status, code, opcRequestId, retryAfterMs } = failure.details;
  const ref = opcRequestId ? ` (opc-request-id: ${opcRequestId})` : "";
  switch (failure.kind) {
    case "client":
      if (status === 400 || status === undefined) {
        return new InvalidRequestError(`OCI rejected the request: ${failure.message}${ref}`, null, code ?? null);
      }
      return new OpenAIError(status, `OCI rejected the request: ${failure.message}${ref}`, "invalid_request_error", null, code ?? null);
    case "rate_limited":
      return new RateLimitError(
        `OCI rate limit reached: ${failure.message}${ref}`,
        retryAfterMs === undefined ? 1 : retryAfterMs / 1000,
      );
    case "auth":
      return new UpstreamError(
        502,
        `OCI refused the call (HTTP ${status} ${code ?? ""}): ${failure.message}${ref}. ` +
          (status === 404
            ? "The model is not offered in the account's region, or no IAM policy lets the user use it " +
              "(e.g. 'allow group <group> to use generative-ai-family in tenancy')."
            : "The account's user, fingerprint or key is wrong, or an IAM policy " +
              "(e.g. 'allow group <group> to use generative-ai-family in tenancy') is missing."),
        "upstream_auth_error",
      );
    case "timeout":
      return new UpstreamError(504, `OCI did not answer in time${ref}.`, "upstream_timeout");
    case "server":
      return new UpstreamError(502, `OCI failed (HTTP ${status}): ${failure.message}${ref}`, "upstream_error");
    case "network":
    case "protocol":
      return new UpstreamError(502, `${failure.message}${ref}`, "upstream_error");
  }
}
