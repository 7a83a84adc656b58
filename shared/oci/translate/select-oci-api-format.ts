import type { OciApiFormat } from "./oci-chat-types";

/**
 * Which `chatRequest.apiFormat` an OCI model speaks: COHERE for Cohere's Command family
 * (its own v1 request shape), GENERIC for everything else (Meta, xAI, OpenAI, Google).
 *
 * Cohere's vision models (`cohere.command-a-vision*`) are the exception: they do not take
 * the v1 COHERE format at all (OCI serves them through COHEREV2, on dedicated clusters only).
 * They are sent as GENERIC, the only other format this proxy speaks; if OCI refuses that,
 * the client gets OCI's 400 rather than a request silently stripped of its images.
 *
 * @example
 *   selectOciApiFormat("cohere.command-a-03-2025");   // "COHERE"
 *   selectOciApiFormat("meta.llama-3.3-70b-instruct"); // "GENERIC"
 */
export function selectOciApiFormat(ociModelId: string): OciApiFormat {
  return ociModelId.startsWith("cohere.command") && !ociModelId.includes("-vision") ? "COHERE" : "GENERIC";
}
