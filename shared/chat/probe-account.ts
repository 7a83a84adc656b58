import { readBody } from "../oci/http-transport";
import { toOciChatRequest } from "../oci/translate/to-oci-chat-request";
import { UpstreamFailure } from "../oci/upstream-failure";
import type { Account } from "../pool/types";
import type { ProxyConfig } from "../config/types";
import { chatDetailsJson } from "./chat-details-json";
import { healthCheckModel } from "./health-check-model";

export interface ProbeResult {
  account: string;
  region: string;
  model: string;
  ok: boolean;
  latency_ms: number;
  status?: number;
  error?: string;
  opc_request_id?: string;
}

/**
 * A 1-token chat on one account, bypassing the pool: what /test-oci and the health check
 * use to tell whether an account's key, IAM policy and region really work.
 */
export async function probeAccount(account: Account, ociModelId: string, timeoutMs: number): Promise<ProbeResult> {
  const chatRequest = toOciChatRequest(
    { model: ociModelId, messages: [{ role: "user", content: "ping" }], max_tokens: 1 },
    ociModelId,
    { defaultMaxTokens: 1, stream: false },
  );
  const body = chatDetailsJson(account.config.compartmentId, ociModelId, JSON.stringify(chatRequest));
  const base = { account: account.config.id, region: account.config.region, model: ociModelId };
  const startedAt = performance.now();
  try {
    const response = await account.client.chat(body, {
      headersTimeoutMs: timeoutMs,
      bodyTimeoutMs: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await readBody(response.body);
    return { ...base, ok: true, latency_ms: elapsed(startedAt), status: response.status, opc_request_id: response.opcRequestId };
  } catch (err) {
    const failure = err instanceof UpstreamFailure ? err : new UpstreamFailure("network", String(err));
    return {
      ...base,
      ok: false,
      latency_ms: elapsed(startedAt),
      status: failure.details.status,
      error: `${failure.kind}: ${failure.message}`,
      opc_request_id: failure.details.opcRequestId,
    };
  }
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

/** Probes several accounts at once with the health-check model (/test-oci, health checks). */
export function probeAccounts(config: Pick<ProxyConfig, "models" | "pool">, accounts: readonly Account[]): Promise<ProbeResult[]> {
  const model = healthCheckModel(config);
  return Promise.all(accounts.map((account) => probeAccount(account, model, config.pool.requestTimeoutMs)));
}
