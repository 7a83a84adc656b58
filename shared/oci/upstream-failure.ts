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
    } = {},
  ) {
    super(message);
    this.name = "UpstreamFailure";
  }

  /** Whether another account might succeed where this one failed. */
  get retryable(): boolean {
    return this.kind !== "client";
  }
}

export function classifyStatus(status: number, code: string | undefined): UpstreamFailureKind {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 404 && (code === undefined || code === "NotAuthorizedOrNotFound")) return "auth";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "server";
  return "client";
}

/** Retry-After in ms from delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
