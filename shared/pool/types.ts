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

/**
 * The client's side of a call: aborted when the client goes away, so its upstream calls
 * stop and free their slots. An AbortSignal is one; the Node server passes a
 * ConnectionSignal, which spares an AbortController and its listeners per request.
 */
export interface ClientSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface AttemptContext {
  /** The client's signal: the call must stop when it aborts. */
  signal?: ClientSignal;
  /** Time left for this attempt to get response headers (shorter for breaker probes). */
  headersTimeoutMs: number;
}

export type UpstreamCall = (account: Account, attempt: AttemptContext) => Promise<UpstreamResponse>;

/**
 * One upstream attempt that has ended (retries included): what metrics count and what the
 * attempt's trace span is made from.
 */
export interface AttemptEvent {
  account: Account;
  /** 1 for the first try. */
  attempt: number;
  outcome: CallOutcome;
  /** Epoch ms (the pool's clock). */
  startedAt: number;
  endedAt: number;
  /** The HTTP status of a response that arrived (failures carry theirs in the outcome). */
  status?: number;
  opcRequestId?: string;
}

/** Told about each of a request's upstream attempts when it has ended. */
export interface AttemptObserver {
  attempt(event: AttemptEvent): void;
}

export interface SendOptions {
  /** Aborted when the client goes away. */
  signal?: ClientSignal;
  /** Told about every attempt when it has ended (the request's metrics and trace). */
  observer?: AttemptObserver;
  /**
   * The OCI model the call is for: an account that answered 404 for it is avoided for that
   * model for a while (while any other account can take the call).
   */
  model?: string;
}

