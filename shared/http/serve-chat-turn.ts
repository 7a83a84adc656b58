import type { Context } from "hono";
import { chatEventStream, type ChunkEncoder } from "../chat/chat-event-stream";
import { encodeCompletion } from "../chat/encode-completion";
import { runChatTurn, type ChatCore } from "../chat/run-chat-turn";
import type { TeamKeys } from "../keys/team-keys";
import type { ChatCompletion, ChatCompletionRequest } from "../openai/chat-types";
import type { CompletionIdentity } from "../oci/translate/from-oci-chat-response";
import { admitTeamKey, finishAdmission } from "./admit-team-key";
import { clientSignal } from "./client-signal";
import { padStreamWith } from "./keep-slow-answers-alive";
import type { RequestLog } from "./request-log";
import { SSE_HEADERS } from "./sse";

/** What the front doors run on: the chat core, and the team keys they admit requests against. */
export interface FrontDoorCore extends ChatCore {
  /** Absent: only the admin key exists (as in tests of the core). */
  keys?: TeamKeys;
}

/** How one front door answers: its stream encoding and its whole-answer body. */
export interface FrontDoorOutput {
  /** A fresh encoder for one stream (front doors keep per-stream state in it). */
  encoder(): ChunkEncoder;
  /** The JSON body of a non-streamed answer. */
  body(completion: ChatCompletion): unknown | Promise<unknown>;
}

/**
 * Runs a canonical chat turn and answers it the way the client's API wants, the same for
 * every front door: a stream through the door's encoder (keep-alives, in-band errors, the
 * request log finished when the stream ends), or the door's JSON body, or, when the
 * client asked for a stream but OCI answered whole (force_non_stream), that answer
 * replayed through the same encoder. A team key is admitted first and its tokens counted
 * when the answer ends.
 *
 * @example
 *   return serveChatTurn(c, core, request, ociModelId, identity, { encoder: () => chatEncoder, body: (c) => c });
 */
export async function serveChatTurn(
  c: Context,
  core: FrontDoorCore,
  request: ChatCompletionRequest,
  ociModelId: string,
  identity: CompletionIdentity,
  output: FrontDoorOutput,
): Promise<Response> {
  const admitting = admitTeamKey(c, core, request.model, ociModelId);
  const admission = admitting && (await admitting);
  const log = c.get("requestLog") as RequestLog;
  const wantsStream = request.stream === true;
  log.fields.stream = wantsStream;
  // One encoder per stream, known before the wait so a padded answer pads and fails in its shape.
  const encoder = wantsStream ? output.encoder() : undefined;
  if (encoder) padStreamWith(c, encoder);
  const turn = await runChatTurn(core, request, ociModelId, { signal: clientSignal(c), identity, observer: log });
  log.fields.account = turn.account;
  log.fields.attempts = turn.attempts;

  if (turn.streamed) {
    const body = chatEventStream({
      lease: turn.lease,
      translator: turn.translator,
      encoder: encoder ?? output.encoder(),
      keepAliveMs: core.config.server.keepAliveIntervalMs,
      onEnd: (outcome, usage) => {
        log.finishReason(turn.translator.finishReason);
        log.finishCall(outcome, usage);
        finishAdmission(admission, usage, request);
      },
      onFirstChunk: () => log.firstToken(),
    });
    log.deferred = true;
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }
  const { usage, choices } = turn.completion;
  finishAdmission(admission, usage, request);
  if (usage) log.usage(turn.account, usage.prompt_tokens, usage.completion_tokens);
  for (const choice of choices) log.finishReason(choice.finish_reason);
  if (!encoder) return c.json(await output.body(turn.completion));
  const events = await encodeCompletion(encoder, turn.completion, request.stream_options?.include_usage === true);
  // A whole answer replayed as a stream: its first token goes out with the rest, now.
  log.firstToken();
  return new Response(events, { status: 200, headers: SSE_HEADERS });
}
