import type { ChatCompletionRequest, ChatMessage, ResponseFormat } from "../../openai/chat-types";
import { InvalidRequestError } from "../../openai/errors";
import { messageText } from "./message-text";
import type {
  OciCohereChatRequest,
  OciCohereMessage,
  OciCohereResponseFormat,
  OciCohereToolCall,
  OciCohereToolResult,
} from "./oci-chat-types";
import type { ToOciChatRequestOptions } from "./to-oci-chat-request";
import { toCohereParameterDefinitions } from "./to-cohere-parameter-definitions";

/**
 * Builds the COHERE `chatRequest` (cohere.command* models, Cohere's v1 chat shape):
 *
 * - system/developer messages → `preambleOverride` (joined with newlines);
 * - the final user message → `message`, earlier turns → `chatHistory`
 *   (USER / CHATBOT with `toolCalls` / TOOL with `toolResults`);
 * - a conversation that ends in tool results (an agent loop) → those results go in
 *   `toolResults` with `message: ""`, Cohere's documented way to continue after tools;
 * - tools → `parameterDefinitions` flattened from the JSON Schema.
 *
 * Cohere v1 has no tool_choice, parallel-call switch, logprobs or reasoning effort;
 * those fields are dropped. It cannot see images: an image part is a 400 naming the part.
 *
 * @example
 *   toOciCohereChatRequest({ model: "c", messages: [{ role: "system", content: "Be brief." },
 *     { role: "user", content: "hi" }] }, { defaultMaxTokens: 4000, stream: false });
 *   // { apiFormat: "COHERE", message: "hi", chatHistory: [], preambleOverride: "Be brief.", maxTokens: 4000 }
 */
export function toOciCohereChatRequest(req: ChatCompletionRequest, opts: ToOciChatRequestOptions): OciCohereChatRequest {
  const messages = req.messages;

  let preamble: string | undefined;
  // Indices of the conversation proper (everything but system/developer).
  const turns: number[] = [];
  for (let i = 0; i < messages.length; i++) {
    const role = messages[i].role;
    if (role === "system" || role === "developer") {
      const text = messageText(messages[i].content);
      preamble = preamble === undefined ? text : `${preamble}\n${text}`;
    } else {
      turns.push(i);
    }
  }
  if (turns.length === 0) {
    throw new InvalidRequestError("Cohere models need at least one user message besides system messages.", "messages");
  }

  // Where history stops: before a final user message, or before a final run of tool results.
  let historyEnd = turns.length;
  const lastRole = messages[turns[turns.length - 1]].role;
  if (lastRole === "user") historyEnd--;
  else if (lastRole === "tool") {
    historyEnd--;
    while (historyEnd > 0 && messages[turns[historyEnd - 1]].role === "tool") historyEnd--;
  }
  // A conversation ending with an assistant turn keeps it in history and sends message "".

  // Cohere tool results name the call (function + parameters), not its id. Walking forward,
  // an id always resolves to the latest call with that id, even when clients reuse ids.
  const callsById = new Map<string, OciCohereToolCall>();
  const chatHistory: OciCohereMessage[] = [];
  for (let t = 0; t < historyEnd; t++) {
    const i = turns[t];
    const m = messages[i];
    if (m.role === "user") {
      chatHistory.push({ role: "USER", message: userText(m, i) });
    } else if (m.role === "assistant") {
      // Cohere dislikes an empty CHATBOT message; a tool-call-only turn gets a space.
      const text = messageText(m.content) || " ";
      const toolCalls = assistantCalls(m, i, callsById);
      chatHistory.push(toolCalls ? { role: "CHATBOT", message: text, toolCalls } : { role: "CHATBOT", message: text });
    } else {
      // Consecutive tool messages answer one assistant turn: one TOOL entry, many results.
      const result = toToolResult(m, i, callsById);
      const previous = chatHistory[chatHistory.length - 1];
      if (previous !== undefined && previous.role === "TOOL") previous.toolResults.push(result);
      else chatHistory.push({ role: "TOOL", toolResults: [result] });
    }
  }

  let message = "";
  let toolResults: OciCohereToolResult[] | undefined;
  if (lastRole === "user") {
    const last = turns[turns.length - 1];
    message = userText(messages[last], last);
  } else if (lastRole === "tool") {
    toolResults = [];
    for (let t = historyEnd; t < turns.length; t++) toolResults.push(toToolResult(messages[turns[t]], turns[t], callsById));
  }

  const out: OciCohereChatRequest = { apiFormat: "COHERE", message, chatHistory };
  if (preamble !== undefined) out.preambleOverride = preamble;
  if (toolResults !== undefined) out.toolResults = toolResults;
  if (req.tools != null && req.tools.length > 0) {
    out.tools = req.tools.map((tool) => {
      const parameterDefinitions = toCohereParameterDefinitions(tool.function.parameters);
      return parameterDefinitions
        ? { name: tool.function.name, description: tool.function.description ?? "", parameterDefinitions }
        : { name: tool.function.name, description: tool.function.description ?? "" };
    });
  }

  out.maxTokens = req.max_completion_tokens ?? req.max_tokens ?? opts.defaultMaxTokens;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.topP = req.top_p;
  // Cohere's topK is 0..500 with 0 meaning off; OpenAI-style -1 ("all tokens") means the same.
  if (req.top_k != null && req.top_k >= 0) out.topK = req.top_k;
  if (req.frequency_penalty != null) out.frequencyPenalty = req.frequency_penalty;
  if (req.presence_penalty != null) out.presencePenalty = req.presence_penalty;
  if (req.stop != null) out.stopSequences = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (req.seed != null) out.seed = req.seed;
  if (req.response_format != null) out.responseFormat = toResponseFormat(req.response_format);
  if (opts.stream) {
    out.isStream = true;
    out.streamOptions = { isIncludeUsage: true };
  }
  return out;
}

function assistantCalls(
  m: ChatMessage,
  index: number,
  callsById: Map<string, OciCohereToolCall>,
): OciCohereToolCall[] | undefined {
  const toolCalls = m.tool_calls;
  if (toolCalls == null || toolCalls.length === 0) return undefined;
  const out = new Array<OciCohereToolCall>(toolCalls.length);
  for (let k = 0; k < toolCalls.length; k++) {
    const call = toolCalls[k];
    out[k] = {
      name: call.function.name,
      parameters: parseArguments(call.function.arguments, `messages[${index}].tool_calls[${k}].function.arguments`),
    };
    callsById.set(call.id, out[k]);
  }
  return out;
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidRequestError("Cohere models need tool call arguments to be a JSON object.", param);
  }
  return value as Record<string, unknown>;
}

function toToolResult(m: ChatMessage, index: number, calls: Map<string, OciCohereToolCall>): OciCohereToolResult {
  const call = calls.get(m.tool_call_id ?? "");
  if (call === undefined) {
    throw new InvalidRequestError(
      `Invalid 'messages[${index}].tool_call_id': no earlier assistant message has a tool call with this id.`,
      `messages[${index}].tool_call_id`,
    );
  }
  return { call, outputs: toOutputs(messageText(m.content)) };
}

/** Cohere expects tool outputs as objects: JSON objects pass through, anything else is wrapped. */
function toOutputs(text: string): Record<string, unknown>[] {
  const first = text.charCodeAt(0);
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    try {
      const value: unknown = JSON.parse(text);
      if (isPlainObject(value)) return [value];
      if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) return value;
    } catch {
      // not JSON after all: wrap it below
    }
  }
  return [{ result: text }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function userText(m: ChatMessage, index: number): string {
  const content = m.content;
  if (Array.isArray(content)) {
    for (let j = 0; j < content.length; j++) {
      if (content[j].type !== "text") {
        throw new InvalidRequestError(
          "Cohere chat models on OCI do not accept images; remove the image part or pick a vision model.",
          `messages[${index}].content[${j}]`,
        );
      }
    }
  }
  return messageText(content);
}

function toResponseFormat(format: ResponseFormat): OciCohereResponseFormat {
  if (format.type === "text") return { type: "TEXT" };
  // Cohere has no JSON_SCHEMA type; the schema rides on JSON_OBJECT.
  const schema = format.type === "json_schema" ? format.json_schema.schema : undefined;
  return schema != null ? { type: "JSON_OBJECT", schema } : { type: "JSON_OBJECT" };
}
