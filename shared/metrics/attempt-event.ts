import type { Account, CallOutcome } from "../pool/types";
import type { AttemptRecord } from "../tracing/proxy-tracer";
import { attemptOutcome } from "./metric-labels";

/**
 * What the pool reports when an upstream attempt has ended (retries included): the one
 * event both `ociai_upstream_attempts_total` and the attempt's client span are made from.
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

/**
 * The span record of an attempt: account id, outcome label, OCI's status and request id,
 * and the inference endpoint's host and port. No request or answer content.
 *
 * @example
 *   trace?.attempt(attemptRecord({ account, attempt: 2, outcome: { ok: true, latencyMs: 80 }, startedAt, endedAt, status: 200 }));
 */
export function attemptRecord(event: AttemptEvent): AttemptRecord {
  const failure = event.outcome.ok === false ? event.outcome.failure : undefined;
  const url = new URL(event.account.client.baseUrl);
  return {
    account: event.account.config.id,
    attempt: event.attempt,
    outcome: attemptOutcome(event.outcome),
    startedAt: event.startedAt,
    endedAt: event.endedAt,
    status: failure?.details.status ?? event.status,
    opcRequestId: failure?.details.opcRequestId ?? event.opcRequestId,
    serverAddress: url.hostname,
    serverPort: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
  };
}
