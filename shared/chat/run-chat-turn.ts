import type { ProxyConfig } from "../config/types";
import type { ChatCompletion, ChatCompletionRequest } from "../openai/chat-types";
import { InvalidRequestError } from "../openai/errors";
import { fromOciChatResponse, type CompletionIdentity } from "../oci/translate/from-oci-chat-response";
import type { OciChatRequest } from "../oci/translate/oci-chat-types";
import { OciStreamTranslator } from "../oci/translate/oci-stream-translator";
import { toOciChatRequest } from "../oci/translate/to-oci-chat-request";
import type { AccountPool } from "../pool/account-pool";
import { readLeaseJson } from "../pool/read-lease-json";
import type { Lease } from "../pool/types";
import { chatDetailsJson } from "./chat-details-json";

/** What every front door runs a chat turn on. */
export interface ChatCore {
  config: ProxyConfig;
  pool: AccountPool;
}

/** Where the answer went and how many tries it took (for the request log). */
interface TurnMeta {
  account: string;
  attempts: number;
}

/**
 * A chat turn under way: an upstream stream to translate chunk by chunk, or a complete
 * answer (the client asked for none, force_non_stream, or OCI answered JSON anyway).
 */
export type ChatTurn =
  | (TurnMeta & { streamed: true; lease: Lease; translator: OciStreamTranslator })
  | (TurnMeta & { streamed: false; completion: ChatCompletion });

/**
 * Runs a canonical chat request through the pool (failover, breakers, limits) against the
 * OCI model `ociModelId`: translates it once, sends it to whichever account the pool picks,
 * and hands back the stream or the complete answer. Knows no wire format: upstream
 * failures are thrown as UpstreamFailure for the front door to render.
 *
 * @example
 *   const turn = await runChatTurn({ config, pool }, request, "xai.grok-4", { signal, identity });
 *   if (turn.streamed) chatEventStream({ lease: turn.lease, translator: turn.translator, encoder, keepAliveMs });
 */
export async function runChatTurn(
  { config, pool }: ChatCore,
  request: ChatCompletionRequest,
  ociModelId: string,
  { signal, identity }: { signal: AbortSignal; identity: CompletionIdentity },
): Promise<ChatTurn> {
  const { server } = config;
  const { streamIdleTimeoutMs: bodyTimeoutMs, nonStreamTimeoutMs } = config.pool;
  const upstreamStream = request.stream === true && !server.forceNonStream;
  const { chatRequest, chatRequestJson } = translateRequest(() =>
    toOciChatRequest(request, ociModelId, { defaultMaxTokens: server.defaultMaxTokens, stream: upstreamStream }),
  );
  const lease = await pool.send(
    (account, attempt) =>
      account.client.chat(chatDetailsJson(account.config.compartmentId, ociModelId, chatRequestJson), {
        signal: attempt.signal,
        // A non-streamed answer's headers come only when it is complete.
        headersTimeoutMs: upstreamStream ? attempt.headersTimeoutMs : nonStreamTimeoutMs,
        bodyTimeoutMs,
      }),
    // An account whose region lacks this model is avoided for it.
    { signal, model: ociModelId },
  );
  const account = lease.account.config.id;
  const attempts = lease.attempt;
  if (upstreamStream && lease.response.isEventStream) {
    const includeUsage = request.stream_options?.include_usage === true;
    const translator = new OciStreamTranslator({ ...identity, format: chatRequest.apiFormat, includeUsage });
    return { account, attempts, streamed: true, lease, translator };
  }
  const completion = await readLeaseJson(lease, "a chat response", (json) => fromOciChatResponse(json, identity));
  return { account, attempts, streamed: false, completion };
}

/**
 * Translates and serialises once. Free-form fields (tool schemas, JSON arguments) are
 * forwarded as they come; JSON nested thousands of levels deep overflows the stack while
 * walking them, which is the client's doing: a 400, not a 500.
 */
function translateRequest(translate: () => OciChatRequest): { chatRequest: OciChatRequest; chatRequestJson: string } {
  try {
    const chatRequest = translate();
    return { chatRequest, chatRequestJson: JSON.stringify(chatRequest) };
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidRequestError("The request nests JSON too deeply to process.", null, "nesting_too_deep");
    throw err;
  }
}
