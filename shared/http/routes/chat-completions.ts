import type { Context } from "hono";
import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import { chatDetailsJson } from "../../chat/chat-details-json";
import { openAIEventStream } from "../../chat/openai-event-stream";
import { resolveModel } from "../../chat/resolve-model";
import { DONE_EVENT, SSE_HEADERS, dataEvent } from "../../chat/sse";
import type { ProxyConfig } from "../../config/types";
import type { ChatCompletion } from "../../openai/chat-types";
import { InvalidRequestError } from "../../openai/errors";
import { validateChatRequest } from "../../openai/validate-chat-request";
import { fromOciChatResponse } from "../../oci/translate/from-oci-chat-response";
import { fullResponseToChunks } from "../../oci/translate/full-response-to-chunks";
import { OciStreamTranslator } from "../../oci/translate/oci-stream-translator";
import type { OciChatRequest } from "../../oci/translate/oci-chat-types";
import { toOciChatRequest } from "../../oci/translate/to-oci-chat-request";
import { readBody } from "../../oci/http-transport";
import { bodyReadFailure } from "../../oci/oci-inference-client";
import { UpstreamFailure } from "../../oci/upstream-failure";
import type { AccountPool } from "../../pool/account-pool";
import type { Lease } from "../../pool/types";
import { readJsonBody } from "../read-json-body";
import type { RequestLog } from "../request-log";
import { upstreamFailureToOpenAI } from "../upstream-failure-to-openai";

export interface ChatRouteDeps {
  config: ProxyConfig;
  pool: AccountPool;
}

/** POST /v1/chat/completions */
export function chatCompletionsHandler({ config, pool }: ChatRouteDeps) {
  const { server } = config;
  const bodyTimeoutMs = config.pool.streamIdleTimeoutMs;

  return async (c: Context) => {
    const log = c.get("requestLog") as RequestLog;
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const request = validateChatRequest(await readJsonBody(c.req.raw, server.maxBodyBytes, incoming));
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
      account.client.chat(chatDetailsJson(account.config.compartmentId, ociModelId, chatRequestJson), { ...attempt, bodyTimeoutMs }),
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
        onEnd: (outcome, usage) => log.finish({ outcome: outcome.ok === true ? "ok" : outcome.ok === false ? "upstream_error" : "cancelled", ...usageFields(usage) }),
      });
      log.deferred = true;
      return new Response(body, { status: 200, headers: SSE_HEADERS });
    }

    const completion = await readCompletion(lease, identity);
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

async function sendOrThrow(pool: AccountPool, signal: AbortSignal, call: Parameters<AccountPool["send"]>[0]): Promise<Lease> {
  try {
    return await pool.send(call, { signal });
  } catch (err) {
    throw err instanceof UpstreamFailure ? upstreamFailureToOpenAI(err) : err;
  }
}

async function readCompletion(lease: Lease, identity: { id: string; created: number; model: string }): Promise<ChatCompletion> {
  const startedAt = performance.now();
  const fail = (failure: UpstreamFailure) => {
    lease.release({ ok: false, failure });
    return upstreamFailureToOpenAI(failure);
  };
  let raw: Buffer;
  try {
    raw = await readBody(lease.response.body);
  } catch (err) {
    throw fail(bodyReadFailure(err));
  }
  let completion: ChatCompletion;
  try {
    completion = fromOciChatResponse(JSON.parse(raw.toString("utf8")), identity);
  } catch (err) {
    // Not the parser's message: it quotes the body, i.e. model output, which must not reach logs.
    throw fail(err instanceof UpstreamFailure ? err : new UpstreamFailure("protocol", "OCI answered something that is not a chat response"));
  }
  lease.release({ ok: true, latencyMs: performance.now() - startedAt });
  return completion;
}

function usageFields(usage: { prompt_tokens: number; completion_tokens: number } | undefined) {
  return usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } : {};
}
