import type { ChatCompletion, FinishReason, ToolCall } from "../../openai/chat-types";
import { generateToolCallId } from "./generate-tool-call-id";
import { mapOciFinishReason } from "./map-oci-finish-reason";
import { mapOciUsage } from "./map-oci-usage";
import { UpstreamProtocolError } from "./upstream-protocol-error";

/** What the client sees as the completion's identity; `model` is the client's model name. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

type Json = Record<string, unknown>;
type Choice = ChatCompletion["choices"][number];

/**
 * OCI `ChatResult` JSON (`{modelId, modelVersion, chatResponse}`) → OpenAI `chat.completion`.
 *
 * GENERIC: every choice's TEXT parts are joined, `reasoningContent` becomes
 * `reasoning_content`, flat tool calls become OpenAI's nested ones (ids generated where
 * the vendor sent none). COHERE: `text` and `toolCalls[{name, parameters}]`, with ids
 * generated (Cohere has none). A turn that carries tool calls finishes with "tool_calls"
 * even when the vendor says stop/COMPLETE. Anything unreadable throws
 * {@link UpstreamProtocolError}.
 *
 * @example
 *   fromOciChatResponse(await res.json(), { id: "chatcmpl-1", created: 1700000000, model: "grok" });
 *   // { id: "chatcmpl-1", object: "chat.completion", choices: [{ message: { role: "assistant", content: "Hi" }, ... }], usage }
 */
export function fromOciChatResponse(oci: unknown, ctx: CompletionIdentity): ChatCompletion {
  if (!isObject(oci)) throw new UpstreamProtocolError("OCI chat answer is not a JSON object.");
  const chat = isObject(oci.chatResponse) ? oci.chatResponse : oci;
  const cohere = chat.apiFormat === "COHERE" || (chat.apiFormat === undefined && typeof chat.text === "string" && chat.choices === undefined);
  let choices: Choice[];
  let usage: unknown;
  if (cohere) {
    choices = [fromCohere(chat)];
    usage = chat.usage;
  } else {
    const raw = chat.choices;
    if (!Array.isArray(raw) || raw.length === 0) throw new UpstreamProtocolError("OCI chat answer has no choices.");
    choices = new Array<Choice>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      if (!isObject(raw[i])) throw new UpstreamProtocolError(`OCI chat answer choice ${i} is not an object.`);
      choices[i] = fromGenericChoice(raw[i] as Json, i);
    }
    // Some vendors put usage on the choice rather than the response.
    usage = chat.usage ?? (raw[0] as Json).usage;
  }

  const completion: ChatCompletion = { id: ctx.id, object: "chat.completion", created: ctx.created, model: ctx.model, choices };
  const mapped = mapOciUsage(usage);
  if (mapped !== undefined) completion.usage = mapped;
  return completion;
}

function fromGenericChoice(choice: Json, position: number): Choice {
  const message = isObject(choice.message) ? choice.message : {};
  let text: string | undefined;
  const content = message.content;
  if (Array.isArray(content)) {
    for (const part of content) {
      // Gemini sometimes leaves `text` out of a TEXT part.
      if (isObject(part) && typeof part.text === "string" && (part.type === "TEXT" || part.type === undefined)) {
        text = text === undefined ? part.text : text + part.text;
      }
    }
  } else if (typeof content === "string") {
    text = content;
  }

  let toolCalls: ToolCall[] | undefined;
  if (Array.isArray(message.toolCalls) && message.toolCalls.length > 0) {
    toolCalls = message.toolCalls.map((call: unknown): ToolCall => {
      const c = isObject(call) ? call : {};
      return {
        id: typeof c.id === "string" && c.id !== "" ? c.id : generateToolCallId(),
        type: "function",
        function: { name: typeof c.name === "string" ? c.name : "", arguments: argumentsText(c.arguments) },
      };
    });
  }

  return toChoice(
    typeof choice.index === "number" ? choice.index : position,
    text,
    typeof message.reasoningContent === "string" ? message.reasoningContent : undefined,
    toolCalls,
    mapOciFinishReason(str(choice.finishReason)),
  );
}

function fromCohere(chat: Json): Choice {
  let toolCalls: ToolCall[] | undefined;
  if (Array.isArray(chat.toolCalls) && chat.toolCalls.length > 0) {
    toolCalls = chat.toolCalls.map((call: unknown): ToolCall => {
      const c = isObject(call) ? call : {};
      return {
        id: generateToolCallId(),
        type: "function",
        function: { name: typeof c.name === "string" ? c.name : "", arguments: argumentsText(c.parameters) },
      };
    });
  }
  return toChoice(0, str(chat.text), undefined, toolCalls, mapOciFinishReason(str(chat.finishReason)));
}

function toChoice(
  index: number,
  text: string | undefined,
  reasoning: string | undefined,
  toolCalls: ToolCall[] | undefined,
  reason: FinishReason | null,
): Choice {
  // OpenAI: content is null on a tool-call-only turn, a string otherwise.
  const message: Choice["message"] = {
    role: "assistant",
    content: text !== undefined && text !== "" ? text : toolCalls ? null : (text ?? ""),
    refusal: null,
  };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls) message.tool_calls = toolCalls;
  const finish: FinishReason = toolCalls && (reason === "stop" || reason === null) ? "tool_calls" : (reason ?? "stop");
  return { index, message, finish_reason: finish, logprobs: null };
}

/** Tool arguments are a JSON string in OpenAI; some vendors hand over the object itself. */
function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value == null) return "{}";
  return JSON.stringify(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
