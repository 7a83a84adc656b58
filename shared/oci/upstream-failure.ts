import { MAX_RETRY_AFTER_SECONDS } from "../openai/errors";

/**
 * How a call to OCI failed, classified for the pool (retry? penalise the account?) and
 * for the client (which status to answer).
 *
 * - rate_limited: 429; cool the account down, try another.
 * - server: 5xx; a breaker failure, try another.
 * - timeout / network: no (complete) answer; a breaker failure, try another.
 * - auth: 401/403, or 404 NotAuthorizedOrNotFound; the account is misconfigured
 *   (key, IAM policy, model not in region): mark it unhealthy, try another.
 * - client: any other 4xx; the request itself is wrong: no retry, no penalty.
 * - protocol: the upstream answered something we cannot read.
 *
 * Whatever the kind, a failure the request's own content caused says nothing about the
 * account and never counts against it (see {@link UpstreamFailure.blamesAccount}).
 */
export type UpstreamFailureKind = "rate_limited" | "server" | "timeout" | "network" | "auth" | "client" | "protocol";

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly details: {
      status?: number;
      code?: string;
      opcRequestId?: string;
      retryAfterMs?: number;
      accountId?: string;
      /** This request's content caused it (e.g. it asked for an answer over the size bound): no retry, no penalty. */
      requestCaused?: boolean;
    } = {},
  ) {
    super(message);
    this.name = "UpstreamFailure";
  }

  /** Whether another account might succeed where this one failed. */
  get retryable(): boolean {
    return this.kind !== "client" && !this.details.requestCaused;
  }

  /**
   * Whether the failure is evidence against the account (breaker, health, failure counts).
   * Not when the request's content caused it: a 4xx about the request, an answer too large,
   * or a 404 NotAuthorizedOrNotFound — OCI's answer both for a missing IAM policy and for a
   * model the region does not serve, so it depends on the request's model. Whole-account
   * problems still show: the health check's probe fails the same way (account-level
   * evidence), and 401/403 (key, signature, tenancy) never depend on the request.
   *
   * @example
   *   new UpstreamFailure("auth", "not found", { status: 404, code: "NotAuthorizedOrNotFound" }).blamesAccount // false
   *   new UpstreamFailure("auth", "not authenticated", { status: 401 }).blamesAccount                          // true
   */
  get blamesAccount(): boolean {
    if (this.kind === "client" || this.details.requestCaused) return false;
    return !(this.kind === "auth" && this.details.status === 404);
  }
}

/** The longest cooldown a 429's Retry-After can ask for (and what the proxy passes on). */
export const MAX_RETRY_AFTER_MS = MAX_RETRY_AFTER_SECONDS * 1000;

export function classifyStatus(status: number, code: string | undefined): UpstreamFailureKind {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 404 && (code === undefined || code === "NotAuthorizedOrNotFound")) return "auth";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "server";
  return "client";
}

/**
 * Retry-After in ms from delta-seconds or an HTTP date, clamped to {@link MAX_RETRY_AFTER_MS};
 * undefined when absent or unreadable.
 *
 * @example
 *   parseRetryAfter("7")           // 7000
 *   parseRetryAfter("99999999999") // 60000
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text.trim())) ms = Math.round(Number(text) * 1000);
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
