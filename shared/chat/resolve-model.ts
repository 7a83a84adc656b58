import { InvalidRequestError, modelNotFound } from "../openai/errors";
import { clip } from "../openai/clip";
import { ociModelKind } from "../oci/oci-model-kind";

/** Which kind of model an endpoint calls OCI with. */
export type ModelUse = "chat" | "embeddings";

/**
 * Client model name -> OCI model id via [MODELS]. A configured OCI id also works as a
 * name, so clients can use either. A model of the wrong kind for the endpoint (an
 * embedding model sent to chat, a chat model to /v1/embeddings) is refused here with a
 * 400 naming the right endpoint: sent to OCI it would come back 404 from every account.
 *
 * @example
 *   resolveModel(new Map([["grok-4", "xai.grok-4"]]), "grok-4") // "xai.grok-4"
 *   resolveModel(new Map([["grok-4", "xai.grok-4"]]), "grok-4", "embeddings") // throws 400 model_not_supported
 */
export function resolveModel(models: ReadonlyMap<string, string>, name: string, use: ModelUse = "chat"): string {
  const ociId = lookUp(models, name);
  const kind = ociModelKind(ociId);
  if (kind === "unknown" || (kind === "chat") === (use === "chat")) return ociId;
  const what = `'${clip(name)}' is ${kind === "chat" ? "a chat" : kind === "embedding" ? "an embedding" : "a rerank"} model (${ociId})`;
  const instead =
    kind === "chat" ? "use POST /v1/chat/completions" : kind === "embedding" ? "use POST /v1/embeddings" : "this proxy does not serve rerank models";
  const endpoint = use === "chat" ? "chat" : "embeddings";
  throw new InvalidRequestError(`${what} and cannot be used for ${endpoint}; ${instead}.`, "model", "model_not_supported");
}

function lookUp(models: ReadonlyMap<string, string>, name: string): string {
  const mapped = models.get(name);
  if (mapped) return mapped;
  for (const ociId of models.values()) if (ociId === name) return ociId;
  throw modelNotFound(name, models.keys());
}
