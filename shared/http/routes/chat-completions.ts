import type { Context } from "hono";
import { randomUUID } from "node:crypto";
import type { ChunkEncoder } from "../../chat/chat-event-stream";
import { resolveCallerModel } from "../resolve-caller-model";
import { validateChatRequest } from "../../openai/validate-chat-request";
import { readRequestJson } from "../read-json-body";
import type { RequestLog } from "../request-log";
import { serveChatTurn, type FrontDoorCore, type FrontDoorOutput } from "../serve-chat-turn";
import { DONE_EVENT, KEEP_ALIVE_COMMENT, dataEvent, errorEvent } from "../sse";
import { clientErrorOf } from "../upstream-failure-to-openai";

/** Chat Completions keeps no per-stream state: one encoder serves every stream. */
const chatCompletionsEncoder: ChunkEncoder = {
  start: () => "",
  chunk: dataEvent,
  keepAlive: () => KEEP_ALIVE_COMMENT,
  end: () => DONE_EVENT,
  fail: (error) => errorEvent(clientErrorOf(error).toJSON()),
};

const output: FrontDoorOutput = { encoder: () => chatCompletionsEncoder, body: (completion) => completion };

/** POST /v1/chat/completions: the canonical shape, served as is. */
export function chatCompletionsHandler(core: FrontDoorCore) {
  const { config } = core;
  return async (c: Context) => {
    const log = c.get("requestLog") as RequestLog;
    const request = validateChatRequest(await readRequestJson(c, config.server.maxBodyBytes));
    const ociModelId = resolveCallerModel(c, config.models, request.model);
    // Recorded only once known to be a configured name: the field is client-controlled text.
    log.setModel(request.model, ociModelId);
    const identity = { id: `chatcmpl-${randomUUID().replace(/-/g, "")}`, created: Math.floor(Date.now() / 1000), model: request.model };
    return serveChatTurn(c, core, request, ociModelId, identity, output);
  };
}
