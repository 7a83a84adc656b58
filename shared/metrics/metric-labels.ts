import type { CallOutcome } from "../pool/types";

/**
 * Label values the metrics accept. Every one comes from a fixed list, from the config
 * (model names from [MODELS], account ids) or from the team-key registry (key ids, made
 * only by the admin), never from request text, so the number of series is bounded by the
 * config and the admin.
 */

/** The API surfaces a request can come through (the `endpoint` label). */
export const ENDPOINTS = ["/v1/chat/completions", "/v1/embeddings", "/v1/responses", "/v1/messages", "/v1/messages/count_tokens"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Each endpoint under its two paths (the app serves every route with and without /v1). */
const ENDPOINT_BY_PATH = new Map<string, Endpoint>(ENDPOINTS.flatMap((e) => [[e, e] as const, [e.slice("/v1".length), e] as const]));

/**
 * The `endpoint` label of a POST to `path`, or undefined for the other routes (models,
 * stats, stored responses: not counted as API requests).
 *
 * @example
 *   endpointOf("/chat/completions"); // "/v1/chat/completions"
 *   endpointOf("/v1/models");        // undefined
 */
export function endpointOf(path: string): Endpoint | undefined {
  return ENDPOINT_BY_PATH.get(path);
}

/** How one upstream attempt ended (the `outcome` label of `ociai_upstream_attempts_total`). */
export const ATTEMPT_OUTCOMES = ["ok", "rate_limited", "error", "timeout", "auth", "cancelled", "client_error"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** The `model` label of a request whose model is not (or not yet known to be) a configured one. */
export const UNKNOWN_MODEL = "";

/**
 * The `key` label of requests made with the admin key (the config's `api_key`). Team keys
 * are labelled with their id (`key_` + hex), so the two cannot meet.
 */
export const ADMIN_KEY_LABEL = "admin";

/** The `key` label of requests no key was found for (a missing or unknown key: their 401s). */
export const NO_KEY_LABEL = "";

/**
 * Maps a pool outcome to its label: 429 → rate_limited, 401/403/404-auth → auth, timeouts →
 * timeout, a 400 the request caused → client_error (the account answered properly), 5xx,
 * connection and protocol failures → error.
 *
 * @example
 *   attemptOutcome({ ok: false, failure: new UpstreamFailure("rate_limited", "429") }); // "rate_limited"
 */
export function attemptOutcome(outcome: CallOutcome): AttemptOutcome {
  if (outcome.ok === true) return "ok";
  if (outcome.ok === "cancelled") return "cancelled";
  switch (outcome.failure.kind) {
    case "rate_limited":
      return "rate_limited";
    case "auth":
      return "auth";
    case "timeout":
      return "timeout";
    case "client":
      return "client_error";
    default:
      return "error";
  }
}
