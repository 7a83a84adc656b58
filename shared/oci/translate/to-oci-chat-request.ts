import type { ChatCompletionRequest } from "../../openai/chat-types";
import type { OciChatRequest } from "./oci-chat-types";
import { selectOciApiFormat } from "./select-oci-api-format";
import { toOciCohereChatRequest } from "./to-oci-cohere-chat-request";
import { toOciGenericChatRequest } from "./to-oci-generic-chat-request";

export interface ToOciChatRequestOptions {
  /** maxTokens when the client sets none: OCI's own default is tiny (about 20 tokens). */
  defaultMaxTokens: number;
  /** Ask OCI for an SSE stream (independent of the client's `stream`: force_non_stream). */
  stream: boolean;
}

/**
 * Translates a validated OpenAI chat request into OCI's `chatRequest`, in the format the
 * model speaks (COHERE for cohere.command*, GENERIC otherwise). Only `chatRequest` is
 * built: the caller wraps it per account (`compartmentId`, `servingMode`) and serialises
 * it once. When streaming, usage is always requested (`streamOptions.isIncludeUsage`).
 *
 * @example
 *   const chatRequest = toOciChatRequest(req, "xai.grok-4", { defaultMaxTokens: 4000, stream: true });
 *   chatRequest.apiFormat; // "GENERIC"
 *   // throws InvalidRequestError when the model family cannot carry the request (images to Cohere)
 */
export function toOciChatRequest(
  req: ChatCompletionRequest,
  ociModelId: string,
  opts: ToOciChatRequestOptions,
): OciChatRequest {
  return selectOciApiFormat(ociModelId) === "COHERE"
    ? toOciCohereChatRequest(req, opts)
    : toOciGenericChatRequest(req, ociModelId, opts);
}
