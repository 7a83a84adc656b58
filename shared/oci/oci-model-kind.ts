export type OciModelKind = "chat" | "embedding" | "rerank" | "unknown";

const EMBEDDING = /^cohere\.embed/i;
const RERANK = /^cohere\.rerank/i;

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
  if (EMBEDDING.test(modelId)) return "embedding";
  if (RERANK.test(modelId)) return "rerank";
  return "chat";
}
