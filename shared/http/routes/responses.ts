import type { Context } from "hono";
import type { ChunkEncoder } from "../../chat/chat-event-stream";
import { randomId } from "../../chat/random-id";
import { resolveCallerModel } from "../resolve-caller-model";
import { supportsReasoningEffort } from "../../chat/supports-reasoning-effort";
import type { Logger } from "../../log/logger";
import type { ChatCompletion } from "../../openai/chat-types";
import { OpenAIError } from "../../openai/errors";
import { clip } from "../../openai/clip";
import { fullResponseToChunks } from "../../oci/translate/full-response-to-chunks";
import type { ResponseContext } from "../../responses/response-envelope";
import { ResponsesEventWriter } from "../../responses/responses-event-writer";
import type { FunctionToolSpec, InputItem, ResponseObject } from "../../responses/responses-types";
import { responsesToChatRequest } from "../../responses/to-chat-request";
import { validateResponsesRequest } from "../../responses/validate-responses-request";
import type { ResponseStore } from "../../state/response-store";
import { readRequestJson } from "../read-json-body";
import type { RequestLog } from "../request-log";
import { teamKeyOf } from "../caller-auth";
import { serveChatTurn, type FrontDoorCore } from "../serve-chat-turn";
import { KEEP_ALIVE_COMMENT } from "../sse";
import { clientErrorOf } from "../upstream-failure-to-openai";

type Stored = { response: ResponseObject; input: InputItem[]; owner?: string };

/**
 * The OpenAI Responses API over the chat core: POST /v1/responses (stream or not,
 * `previous_response_id` continued from the store), GET / DELETE /v1/responses/{id} and
 * GET /v1/responses/{id}/input_items.
 *
 * A team key sees only the responses it created (others answer 404, as if they did not
 * exist: ids are not secrets a team should be able to probe); the admin key sees all.
 */
export function responsesHandlers(core: FrontDoorCore, store: ResponseStore, logger: Logger) {
  const { config } = core;

  const load = async (c: Context, id: string, param: string | null, code: string | null): Promise<Stored> => {
    const stored = await store.get<ResponseObject, InputItem>(id);
    const key = teamKeyOf(c);
    if (stored && (key === undefined || stored.owner === key.id)) return stored;
    const what = param === "previous_response_id" ? "Previous response" : "Response";
    throw new OpenAIError(404, `${what} with id '${clip(id)}' not found.`, "invalid_request_error", param, code);
  };

  const create = async (c: Context) => {
    const log = c.get("requestLog") as RequestLog;
    const request = validateResponsesRequest(await readRequestJson(c, config.server.maxBodyBytes));
    const ociModelId = resolveCallerModel(c, config.models, request.model);
    log.setModel(request.model, ociModelId);
    let history: InputItem[] | undefined;
    if (request.previous_response_id) {
      const previous = await load(c, request.previous_response_id, "previous_response_id", "previous_response_not_found");
      history = [...previous.input, ...previous.response.output];
    }
    const { chat, inputItems, droppedTools } = responsesToChatRequest(request, { history, reasoningEffort: supportsReasoningEffort(ociModelId) });
    if (droppedTools.length > 0) log.fields.dropped_tools = droppedTools.map((type) => clip(type)).join(",");

    const ctx: ResponseContext = {
      id: randomId("resp_"),
      createdAt: Math.floor(Date.now() / 1000),
      request,
      tools: (request.tools ?? []).filter((t): t is FunctionToolSpec => t.type === "function"),
      store: request.store !== false && store.enabled,
    };
    // Written before the terminal event goes out, so a follow-up the client sends the moment
    // it reads `response.completed` finds it. A failed write costs the follow-up, not this answer.
    const owner = teamKeyOf(c)?.id;
    const save = async (response: ResponseObject) => {
      if (!ctx.store) return;
      try {
        await store.save(ctx.id, owner === undefined ? { response, input: inputItems } : { response, input: inputItems, owner });
      } catch (err) {
        logger.warn("response store: write failed", { response_id: ctx.id, error: (err as Error).message });
      }
    };
    const identity = { id: ctx.id, created: ctx.createdAt, model: request.model };
    return serveChatTurn(c, core, chat, ociModelId, identity, {
      encoder: () => responsesEncoder(new ResponsesEventWriter(ctx), save),
      body: async (completion: ChatCompletion) => {
        const { response } = replay(new ResponsesEventWriter(ctx, true), completion);
        await save(response);
        return response;
      },
    });
  };

  return {
    create,
    get: async (c: Context) => c.json((await load(c, c.req.param("id") ?? "", null, null)).response),
    delete: async (c: Context) => {
      const id = c.req.param("id") ?? "";
      // A team key first proves the response is its own.
      if (teamKeyOf(c) !== undefined) await load(c, id, null, null);
      if (!(await store.delete(id))) await load(c, id, null, null);
      return c.json({ id, object: "response", deleted: true });
    },
    inputItems: async (c: Context) => {
      const { input } = await load(c, c.req.param("id") ?? "", null, null);
      const limit = Math.min(100, Math.max(1, Number(c.req.query("limit") ?? 20) || 20));
      // OpenAI lists input items newest first unless asked otherwise.
      const ordered = c.req.query("order") === "asc" ? input : [...input].reverse();
      const data = ordered.slice(0, limit);
      const idOf = (item: InputItem | undefined) => (item && typeof item.id === "string" ? item.id : null);
      return c.json({ object: "list", data, first_id: idOf(data[0]), last_id: idOf(data[data.length - 1]), has_more: ordered.length > limit });
    },
  };
}

/** One stream's encoder: the writer's events, SSE comment keep-alives, `response.failed` in-band. */
function responsesEncoder(writer: ResponsesEventWriter, save: (response: ResponseObject) => Promise<void>): ChunkEncoder {
  return {
    start: () => writer.start(),
    chunk: (chunk) => writer.push(chunk),
    keepAlive: () => KEEP_ALIVE_COMMENT,
    end: async (usage) => {
      const { events, response } = writer.finish(usage);
      await save(response);
      return events;
    },
    fail: (failure) => {
      const error = clientErrorOf(failure);
      return writer.fail(error.code ?? "server_error", error.message);
    },
  };
}

/** A complete answer through the same writer a stream uses (silent: only the response is built). */
function replay(writer: ResponsesEventWriter, completion: ChatCompletion) {
  for (const chunk of fullResponseToChunks(completion, true)) writer.push(chunk);
  return writer.finish(completion.usage);
}
