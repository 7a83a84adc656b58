import type { AttemptEvent } from "../pool/types";
import type { AttemptRecord } from "../tracing/proxy-tracer";
import { attemptOutcome } from "./metric-labels";

export type { AttemptEvent } from "../pool/types";

/** Host and port per inference base URL, parsed once (accounts are fixed for the process). */
const servers = new Map<string, { address: string; port: number }>();

function serverOf(baseUrl: string): { address: string; port: number } {
  let server = servers.get(baseUrl);
  if (!server) {
    const url = new URL(baseUrl);
    server = { address: url.hostname, port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 };
    servers.set(baseUrl, server);
  }
  return server;
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
  const server = serverOf(event.account.client.baseUrl);
  return {
    account: event.account.config.id,
    attempt: event.attempt,
    outcome: attemptOutcome(event.outcome),
    startedAt: event.startedAt,
    endedAt: event.endedAt,
    status: failure?.details.status ?? event.status,
    opcRequestId: failure?.details.opcRequestId ?? event.opcRequestId,
    serverAddress: server.address,
    serverPort: server.port,
  };
}
