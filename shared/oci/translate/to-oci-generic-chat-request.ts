import type { ChatCompletionRequest, ChatMessage, ContentPart, ToolCall, ToolChoice, ResponseFormat } from "../../openai/chat-types";
import { messageText } from "./message-text";
import type { ToOciChatRequestOptions } from "./to-oci-chat-request";
import type {
  OciAssistantMessage,
  OciChatContent,
  OciFunctionCall,
  OciFunctionDefinition,
  OciGenericChatRequest,
  OciMessage,
  OciResponseFormat,
  OciToolChoice,
} from "./oci-chat-types";

const DETAIL = { auto: "AUTO", low: "LOW", high: "HIGH" } as const;
const EFFORT = new Map([
  ["none", "NONE"],
  ["minimal", "MINIMAL"],
  ["low", "LOW"],
  ["medium", "MEDIUM"],
  ["high", "HIGH"],
] as const);
const EMPTY_PARAMETERS: Record<string, unknown> = Object.freeze({ type: "object", properties: {} }) as Record<string, unknown>;

/**
 * Builds the GENERIC `chatRequest` (Meta, xAI, OpenAI, Google models) from a validated
 * OpenAI request. Objects are built field by field; nothing is cloned or round-tripped
 * through JSON, and client-owned objects (schemas, logit_bias) are referenced, not copied.
 *
 * @example
 *   toOciGenericChatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] },
 *     "meta.llama-3.3-70b-instruct", { defaultMaxTokens: 4000, stream: false });
 *   // { apiFormat: "GENERIC", messages: [{ role: "USER", content: [{ type: "TEXT", text: "hi" }] }], maxTokens: 4000 }
 */
export function toOciGenericChatRequest(
  req: ChatCompletionRequest,
  ociModelId: string,
  opts: ToOciChatRequestOptions,
): OciGenericChatRequest {
  const openAiModel = ociModelId.startsWith("openai.");
  const out: OciGenericChatRequest = { apiFormat: "GENERIC", messages: toMessages(req.messages, openAiModel) };

  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? opts.defaultMaxTokens;
  // OpenAI's hosted models (gpt-4.1, gpt-5, o-series) reject maxTokens with a 400; the
  // open-weight gpt-oss models are served by OCI's own stack and take maxTokens.
  if (openAiModel && !ociModelId.startsWith("openai.gpt-oss")) out.maxCompletionTokens = maxTokens;
  else out.maxTokens = maxTokens;

  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.topP = req.top_p;
  if (req.top_k != null) out.topK = req.top_k;
  if (req.frequency_penalty != null) out.frequencyPenalty = req.frequency_penalty;
  if (req.presence_penalty != null) out.presencePenalty = req.presence_penalty;
  if (req.stop != null) out.stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (req.seed != null) out.seed = req.seed;
  if (req.n != null) out.numGenerations = req.n;
  if (req.logprobs === true) out.logProbs = req.top_logprobs ?? 1;
  if (req.logit_bias != null) out.logitBias = req.logit_bias;

  // Tool settings without tools are meaningless, and some models reject them.
  if (req.tools != null && req.tools.length > 0) {
    out.tools = req.tools.map(
      (tool): OciFunctionDefinition => ({
        type: "FUNCTION",
        name: tool.function.name,
        description: tool.function.description ?? "",
        parameters: tool.function.parameters ?? EMPTY_PARAMETERS,
      }),
    );
    if (req.tool_choice != null) out.toolChoice = toToolChoice(req.tool_choice);
    if (req.parallel_tool_calls != null) out.isParallelToolCalls = req.parallel_tool_calls;
  }

  if (req.response_format != null) out.responseFormat = toResponseFormat(req.response_format);
  if (req.reasoning_effort != null) out.reasoningEffort = EFFORT.get(req.reasoning_effort);

  if (opts.stream) {
    out.isStream = true;
    // Always: the proxy records usage even when the client did not ask for it.
    out.streamOptions = { isIncludeUsage: true };
  }
  return out;
}

function toMessages(messages: ChatMessage[], openAiModel: boolean): OciMessage[] {
  // DEVELOPER is an OpenAI-model role; other vendors get the same text as SYSTEM.
  const developerRole = openAiModel ? "DEVELOPER" : "SYSTEM";
  const out = new Array<OciMessage>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    switch (m.role) {
      case "system":
      case "developer":
      case "user": {
        const role = m.role === "user" ? "USER" : m.role === "system" ? "SYSTEM" : developerRole;
        out[i] = m.name ? { role, content: toContent(m.content), name: m.name } : { role, content: toContent(m.content) };
        break;
      }
      case "assistant":
        out[i] = toAssistantMessage(m);
        break;
      default:
        out[i] = { role: "TOOL", toolCallId: m.tool_call_id ?? "", content: [{ type: "TEXT", text: messageText(m.content) }] };
    }
  }
  return out;
}

function toContent(content: string | ContentPart[] | null): OciChatContent[] {
  if (typeof content === "string") return [{ type: "TEXT", text: content }];
  if (content == null) return [{ type: "TEXT", text: "" }];
  const out = new Array<OciChatContent>(content.length);
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    if (part.type === "text") {
      out[j] = { type: "TEXT", text: part.text };
    } else {
      const detail = part.image_url.detail;
      out[j] =
        detail != null
          ? { type: "IMAGE", imageUrl: { url: part.image_url.url, detail: DETAIL[detail] } }
          : { type: "IMAGE", imageUrl: { url: part.image_url.url } };
    }
  }
  return out;
}

function toAssistantMessage(m: ChatMessage): OciAssistantMessage {
  const out: OciAssistantMessage = { role: "ASSISTANT" };
  const text = messageText(m.content);
  const calls = m.tool_calls;
  const hasCalls = calls != null && calls.length > 0;
  // A tool-call-only turn goes without content: an empty content list trips OCI.
  if (text.length > 0 || !hasCalls) out.content = [{ type: "TEXT", text }];
  if (m.name) out.name = m.name;
  if (hasCalls) out.toolCalls = calls.map(toFunctionCall);
  return out;
}

function toFunctionCall(call: ToolCall): OciFunctionCall {
  return { id: call.id, type: "FUNCTION", name: call.function.name, arguments: call.function.arguments };
}

function toToolChoice(choice: ToolChoice): OciToolChoice {
  switch (choice) {
    case "auto":
      return { type: "AUTO" };
    case "none":
      return { type: "NONE" };
    case "required":
      return { type: "REQUIRED" };
    default:
      return { type: "FUNCTION", name: choice.function.name };
  }
}

function toResponseFormat(format: ResponseFormat): OciResponseFormat {
  switch (format.type) {
    case "json_object":
      return { type: "JSON_OBJECT" };
    case "json_schema": {
      const spec = format.json_schema;
      // OCI's ResponseJsonSchema has isStrict, not strict; unknown keys are a 400.
      const jsonSchema: Extract<OciResponseFormat, { type: "JSON_SCHEMA" }>["jsonSchema"] = { name: spec.name };
      if (spec.description != null) jsonSchema.description = spec.description;
      if (spec.schema != null) jsonSchema.schema = spec.schema;
      if (spec.strict != null) jsonSchema.isStrict = spec.strict;
      return { type: "JSON_SCHEMA", jsonSchema };
    }
    default:
      return { type: "TEXT" };
  }
}
