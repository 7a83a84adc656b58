import type { Context } from "hono";
import { toAnthropicError } from "../../anthropic/anthropic-error";
import { MessagesEventWriter, PING_EVENT, type MessageIdentity } from "../../anthropic/messages-event-writer";
import { messagesToChatRequest } from "../../anthropic/messages-to-chat-request";
import { validateMessagesRequest } from "../../anthropic/validate-messages-request";
import type { ChunkEncoder } from "../../chat/chat-event-stream";
import { estimatePromptTokens } from "../../chat/estimate-prompt-tokens";
import { randomId } from "../../chat/random-id";
import { resolveCallerModel } from "../resolve-caller-model";
import { supportsReasoningEffort } from "../../chat/supports-reasoning-effort";
import type { ChatCompletion } from "../../openai/chat-types";
import { clip } from "../../openai/clip";
import { fullResponseToChunks } from "../../oci/translate/full-response-to-chunks";
import { readRequestJson } from "../read-json-body";
import type { RequestLog } from "../request-log";
import { checkTeamKeyModel } from "../admit-team-key";
import { serveChatTurn, type FrontDoorCore } from "../serve-chat-turn";
import { clientErrorOf } from "../upstream-failure-to-openai";

/** The Anthropic Messages API over the chat core: POST /v1/messages and /v1/messages/count_tokens. */
export function messagesHandlers(core: FrontDoorCore) {
  const { config } = core;

  const translate = async (c: Context, forCounting: boolean) => {
    const request = validateMessagesRequest(await readRequestJson(c, config.server.maxBodyBytes), forCounting);
    const ociModelId = resolveCallerModel(c, config.models, request.model);
    (c.get("requestLog") as RequestLog).setModel(request.model, ociModelId);
    const translated = messagesToChatRequest(request, { reasoningEffort: supportsReasoningEffort(ociModelId) });
    return { request, ociModelId, ...translated };
  };

  return {
    create: async (c: Context) => {
      const { request, ociModelId, chat, droppedTools } = await translate(c, false);
      if (droppedTools.length > 0) (c.get("requestLog") as RequestLog).fields.dropped_tools = droppedTools.map((type) => clip(type)).join(",");
      const identity: MessageIdentity = { id: randomId("msg_"), model: request.model };
      return serveChatTurn(c, core, chat, ociModelId, { ...identity, created: Math.floor(Date.now() / 1000) }, {
        encoder: () => messagesEncoder(new MessagesEventWriter(identity)),
        body: (completion: ChatCompletion) => {
          const writer = new MessagesEventWriter(identity, true);
          for (const chunk of fullResponseToChunks(completion, true)) writer.push(chunk);
          return writer.finish(completion.usage).message;
        },
      });
    },
    /** An estimate: OCI has no token counting (see estimatePromptTokens). Costs OCI nothing, so it counts against no key limit. */
    countTokens: async (c: Context) => {
      const { request, ociModelId, chat } = await translate(c, true);
      checkTeamKeyModel(c, core, request.model, ociModelId);
      return c.json({ input_tokens: estimatePromptTokens(chat) });
    },
  };
}

/** One stream's encoder: the writer's events, `ping` keep-alives, an `error` event in-band. */
function messagesEncoder(writer: MessagesEventWriter): ChunkEncoder {
  return {
    start: () => writer.start(),
    chunk: (chunk) => writer.push(chunk),
    keepAlive: () => PING_EVENT,
    end: (usage) => writer.finish(usage).events,
    fail: (failure) => {
      const { error } = toAnthropicError(clientErrorOf(failure)).body;
      return writer.fail(error.type, error.message);
    },
  };
}
