import type { Context } from "hono";
import { randomUUID } from "node:crypto";
import { chatDetailsJson } from "../../chat/chat-details-json";
import { openAIEventStream } from "../../chat/openai-event-stream";
import { resolveModel } from "../../chat/resolve-model";
import { DONE_EVENT, SSE_HEADERS, dataEvent } from "../../chat/sse";
import type { ProxyConfig } from "../../config/types";
import { InvalidRequestError } from "../../openai/errors";
import { validateChatRequest } from "../../openai/validate-chat-request";
import { fromOciChatResponse } from "../../oci/translate/from-oci-chat-response";
import { fullResponseToChunks } from "../../oci/translate/full-response-to-chunks";
import { OciStreamTranslator } from "../../oci/translate/oci-stream-translator";
import type { OciChatRequest } from "../../oci/translate/oci-chat-types";
import { toOciChatRequest } from "../../oci/translate/to-oci-chat-request";
import type { AccountPool } from "../../pool/account-pool";
import { readRequestJson } from "../read-json-body";
import { readLeaseJson, sendOrThrow } from "../upstream-call";
import type { RequestLog } from "../request-log";

export interface ChatRouteDeps {
  config: ProxyConfig;
  pool: AccountPool;
}

/** POST /v1/chat/completions */
export function chatCompletionsHandler({ config, pool }: ChatRouteDeps) {
  const { server } = config;
  const { streamIdleTimeoutMs: bodyTimeoutMs, nonStreamTimeoutMs } = config.pool;

  return async (c: Context) => {
    const log = c.get("requestLog") as RequestLog;
    const request = validateChatRequest(await readRequestJson(c, server.maxBodyBytes));
    const ociModelId = resolveModel(config.models, request.model);
    // Logged only once known to be a configured name: the field is client-controlled text.
    log.fields.model = request.model;
    const clientWantsStream = request.stream === true;
    const upstreamStream = clientWantsStream && !server.forceNonStream;
    log.fields.stream = clientWantsStream;

    const { chatRequest, chatRequestJson } = translateRequest(() =>
      toOciChatRequest(request, ociModelId, { defaultMaxTokens: server.defaultMaxTokens, stream: upstreamStream }),
    );
    const lease = await sendOrThrow(pool, c.req.raw.signal, (account, attempt) =>
      account.client.chat(chatDetailsJson(account.config.compartmentId, ociModelId, chatRequestJson), {
        signal: attempt.signal,
        // A non-streamed answer's headers come only when it is complete.
        headersTimeoutMs: upstreamStream ? attempt.headersTimeoutMs : nonStreamTimeoutMs,
        bodyTimeoutMs,
      }),
      ociModelId,
    );
    log.fields.account = lease.account.config.id;
    log.fields.attempts = lease.attempt;

    const identity = { id: `chatcmpl-${randomUUID().replace(/-/g, "")}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const includeUsage = request.stream_options?.include_usage === true;

    if (upstreamStream && lease.response.isEventStream) {
      const translator = new OciStreamTranslator({ ...identity, format: chatRequest.apiFormat, includeUsage });
      const body = openAIEventStream({
        lease,
        translator,
        keepAliveMs: server.keepAliveIntervalMs,
        onEnd: (outcome, usage) => log.finishCall(outcome, usage),
      });
      log.deferred = true;
      return new Response(body, { status: 200, headers: SSE_HEADERS });
    }

    const completion = await readLeaseJson(lease, "a chat response", (json) => fromOciChatResponse(json, identity));
    if (!clientWantsStream) return c.json(completion);
    // force_non_stream (or an upstream that answered JSON): replay the full answer as a stream.
    const events = fullResponseToChunks(completion, includeUsage).map(dataEvent).join("") + DONE_EVENT;
    return new Response(events, { status: 200, headers: SSE_HEADERS });
  };
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
