import type { AccountConfig } from "../config/types";
import type { OciInferenceClient, UpstreamResponse } from "../oci/oci-inference-client";
import type { UpstreamFailure } from "../oci/upstream-failure";

/** An account ready to take calls: its settings and its (long-lived) client. */
export interface Account {
  readonly config: AccountConfig;
  readonly client: OciInferenceClient;
}

/** How a call ended, reported when its lease is released. */
export type CallOutcome = { ok: true; latencyMs: number } | { ok: false; failure: UpstreamFailure } | { ok: "cancelled" };

/**
 * A successful upstream response bound to the account that produced it. The caller must
 * release it exactly once, when it has finished reading the body (a stream holds its
 * account's concurrency slot until then).
 */
export interface Lease {
  readonly account: Account;
  readonly response: UpstreamResponse;
  /** 1 for the first try. */
  readonly attempt: number;
  /**
   * Ends the call with its outcome and returns the outcome recorded: a failure while the
   * client is gone is recorded as "cancelled". Later calls change nothing.
   */
  release(outcome: CallOutcome): CallOutcome;
}

export interface AttemptContext {
  signal: AbortSignal;
  /** Time left for this attempt to get response headers (shorter for breaker probes). */
  headersTimeoutMs: number;
}

export type UpstreamCall = (account: Account, attempt: AttemptContext) => Promise<UpstreamResponse>;

export interface SendOptions {
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /**
   * The OCI model the call is for: an account that answered 404 for it is avoided for that
   * model for a while (while any other account can take the call).
   */
  model?: string;
}

