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
 * @param visible The names the caller may see (a team key's models): an unknown model's 404
 *   lists only these, and another configured model of the wrong kind is left to the key's
 *   403; undefined or null: all of them.
 * @example
 *   resolveModel(new Map([["grok-4", "xai.grok-4"]]), "grok-4") // "xai.grok-4"
 *   resolveModel(new Map([["grok-4", "xai.grok-4"]]), "grok-4", "embeddings") // throws 400 model_not_supported
 *   resolveModel(new Map([["grok-4", "xai.grok-4"], ["llama", "meta.llama"]]), "gpt-5", "chat", new Set(["llama"]))
 *   // throws 404 model_not_found: "... Available models: llama."
 */
export function resolveModel(models: ReadonlyMap<string, string>, name: string, use: ModelUse = "chat", visible?: ReadonlySet<string> | null): string {
  const ociId = lookUp(models, name, visible);
  const kind = ociModelKind(ociId);
  if (kind === "unknown" || (kind === "chat") === (use === "chat")) return ociId;
  // A model the caller may not use is refused (403) by its key's check, not described by this 400.
  if (visible && !visible.has(configuredName(models, name, ociId))) return ociId;
  const what = `'${clip(name)}' is ${kind === "chat" ? "a chat" : kind === "embedding" ? "an embedding" : "a rerank"} model (${ociId})`;
  const instead =
    kind === "chat" ? "use POST /v1/chat/completions" : kind === "embedding" ? "use POST /v1/embeddings" : "this proxy does not serve rerank models";
  const endpoint = use === "chat" ? "chat" : "embeddings";
  throw new InvalidRequestError(`${what} and cannot be used for ${endpoint}; ${instead}.`, "model", "model_not_supported");
}

function lookUp(models: ReadonlyMap<string, string>, name: string, visible: ReadonlySet<string> | null | undefined): string {
  const mapped = models.get(name);
  if (mapped) return mapped;
  for (const ociId of models.values()) if (ociId === name) return ociId;
  throw modelNotFound(name, visible ? [...models.keys()].filter((known) => visible.has(known)) : models.keys());
}

/**
 * The [MODELS] name a request's model stands for: a configured OCI id counts as the first
 * name mapping to it.
 *
 * @example
 *   configuredName(new Map([["grok-4", "xai.grok-4"]]), "xai.grok-4", "xai.grok-4") // "grok-4"
 */
export function configuredName(models: ReadonlyMap<string, string>, model: string, ociModelId: string): string {
  if (models.has(model)) return model;
  for (const [name, id] of models) if (id === ociModelId) return name;
  return model;
}
