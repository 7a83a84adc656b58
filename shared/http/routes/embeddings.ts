import type { Context } from "hono";
import { servingModeJson } from "../../chat/chat-details-json";
import { resolveCallerModel } from "../resolve-caller-model";
import { validateEmbeddingsRequest } from "../../openai/validate-embeddings-request";
import { UpstreamFailure } from "../../oci/upstream-failure";
import type { AccountPool } from "../../pool/account-pool";
import { readLeaseJson } from "../../pool/read-lease-json";
import type { AttemptObserver, ClientSignal } from "../../pool/types";
import { admitTeamKey } from "../admit-team-key";
import { clientSignal } from "../client-signal";
import { readRequestJson } from "../read-json-body";
import type { RequestLog } from "../request-log";
import type { FrontDoorCore } from "../serve-chat-turn";

/** OCI embeds at most this many inputs per call. */
const OCI_BATCH = 96;

interface OciEmbedResult {
  embeddings?: number[][];
  usage?: { promptTokens?: number; totalTokens?: number };
}

/**
 * POST /v1/embeddings → OCI `embedText`, in batches of 96 inputs sent in parallel (each
 * through the pool, so batches fail over and spread like chats), reassembled in order.
 * A team key's request counts its prompt tokens (OCI's usage) once every batch is in.
 */
export function embeddingsHandler(core: FrontDoorCore) {
  const { config, pool } = core;
  const timeouts = { bodyTimeoutMs: config.pool.streamIdleTimeoutMs };

  return async (c: Context) => {
    const log = c.get("requestLog") as RequestLog;
    const request = validateEmbeddingsRequest(await readRequestJson(c, config.server.maxBodyBytes));
    const ociModelId = resolveCallerModel(c, config.models, request.model, "embeddings");
    log.setModel(request.model, ociModelId);
    const admitting = admitTeamKey(c, core, request.model, ociModelId);
    const admission = admitting && (await admitting);
    const servingMode = servingModeJson(ociModelId);

    const batches: string[][] = [];
    for (let i = 0; i < request.input.length; i += OCI_BATCH) batches.push(request.input.slice(i, i + OCI_BATCH));
    const signal = clientSignal(c);
    const results = await Promise.all(batches.map((inputs) => embedBatch(pool, signal, log, ociModelId, servingMode, inputs, timeouts)));

    let index = 0;
    let promptTokens = 0;
    let attempts = 0;
    const data = results.flatMap(({ result, account, attempt }) => {
      const batchTokens = result.usage?.promptTokens ?? 0;
      promptTokens += batchTokens;
      attempts += attempt;
      log.fields.account = account;
      log.usage(account, batchTokens);
      return (result.embeddings ?? []).map((vector) => ({
        object: "embedding" as const,
        index: index++,
        embedding: request.encoding_format === "base64" ? toBase64(vector) : vector,
      }));
    });
    log.fields.attempts = attempts;
    admission?.finish({ promptTokens, completionTokens: 0 });
    return c.json({ object: "list", data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
  };
}

/** One batch's result, with the account that served it and the attempts it took. */
interface BatchResult {
  result: OciEmbedResult;
  account: string;
  attempt: number;
}

async function embedBatch(
  pool: AccountPool,
  signal: ClientSignal,
  observer: AttemptObserver,
  ociModelId: string,
  servingMode: string,
  inputs: string[],
  timeouts: { bodyTimeoutMs: number },
): Promise<BatchResult> {
  const inputsJson = JSON.stringify(inputs);
  const lease = await pool.send(
    (account, attempt) =>
      account.client.embedText(
        `{"inputs":${inputsJson},"servingMode":${servingMode},"compartmentId":${JSON.stringify(account.config.compartmentId)},"truncate":"END"}`,
        { ...attempt, ...timeouts },
      ),
    { signal, model: ociModelId, observer },
  );
  const result = await readLeaseJson(lease, "an embedding result", (json) => {
    const result = json as OciEmbedResult;
    if (!Array.isArray(result?.embeddings) || result.embeddings.length !== inputs.length) {
      throw new UpstreamFailure("protocol", "OCI answered an embedding count that does not match the inputs");
    }
    return result;
  });
  return { result, account: lease.account.config.id, attempt: lease.attempt };
}

/** `encoding_format: "base64"`: little-endian float32s, as OpenAI sends them. */
function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
