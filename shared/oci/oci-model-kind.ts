export type OciModelKind = "chat" | "embedding" | "rerank" | "unknown";

/**
 * What an OCI model id serves, from OCI's model id families: `cohere.embed-*` embeds text
 * (embedText), `cohere.rerank-*` reranks, every other `vendor.name` chats. A model or
 * dedicated-endpoint OCID does not say: "unknown", and each endpoint lets it through.
 *
 * @example
 *   ociModelKind("cohere.embed-english-v3.0") // "embedding"
 *   ociModelKind("xai.grok-4")                // "chat"
 *   ociModelKind("ocid1.generativeaiendpoint.oc1.us-chicago-1.xyz") // "unknown"
 */
export function ociModelKind(modelId: string): OciModelKind {
  if (modelId.startsWith("ocid1.")) return "unknown";
  const id = modelId.toLowerCase();
  if (id.startsWith("cohere.embed")) return "embedding";
  if (id.startsWith("cohere.rerank")) return "rerank";
  return "chat";
}
