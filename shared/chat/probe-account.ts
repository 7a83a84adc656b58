import { readBody } from "../oci/http-transport";
import { MAX_ANSWER_BYTES } from "../oci/oci-inference-client";
import { toOciChatRequest } from "../oci/translate/to-oci-chat-request";
import { UpstreamFailure } from "../oci/upstream-failure";
import type { Account } from "../pool/types";
import type { ProxyConfig } from "../config/types";
import { ociModelKind } from "../oci/oci-model-kind";
import { chatDetailsJson, servingModeJson } from "./chat-details-json";
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
  const base = { account: account.config.id, region: account.config.region, model: ociModelId };
  const startedAt = performance.now();
  const options = { headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs, signal: AbortSignal.timeout(timeoutMs) };
  try {
    // An embeddings-only config probes with its embedding model: a chat with it would 404.
    const response =
      ociModelKind(ociModelId) === "embedding"
        ? await account.client.embedText(
            `{"inputs":["ping"],"servingMode":${servingModeJson(ociModelId)},"compartmentId":${JSON.stringify(account.config.compartmentId)}}`,
            options,
          )
        : await account.client.chat(pingChat(account, ociModelId), options);
    await readBody(response.body, MAX_ANSWER_BYTES);
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

function pingChat(account: Account, ociModelId: string): string {
  const chatRequest = toOciChatRequest(
    { model: ociModelId, messages: [{ role: "user", content: "ping" }], max_tokens: 1 },
    ociModelId,
    { defaultMaxTokens: 1, stream: false },
  );
  return chatDetailsJson(account.config.compartmentId, ociModelId, JSON.stringify(chatRequest));
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

/** Probes several accounts at once with the health-check model (/test-oci, health checks). */
export function probeAccounts(config: Pick<ProxyConfig, "models" | "pool">, accounts: readonly Account[]): Promise<ProbeResult[]> {
  const model = healthCheckModel(config);
  return Promise.all(accounts.map((account) => probeAccount(account, model, config.pool.requestTimeoutMs)));
}
