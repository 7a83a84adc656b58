import { InvalidRequestError } from "../openai/errors";
import type { ChatCompletionRequest, ChatMessage, ContentPart, FunctionTool, ResponseFormat, ToolChoice } from "../openai/chat-types";
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  FunctionToolSpec,
  InputItem,
  MessageItem,
  MessagePart,
  ResponsesRequest,
  TextFormat,
  ToolSpec,
} from "./responses-types";

export interface ResponsesToChatOptions {
  /** The conversation so far (a stored response's input and output items), before `input`. */
  history?: readonly InputItem[];
  /** The OCI model takes `reasoningEffort` (see supportsReasoningEffort). */
  reasoningEffort: boolean;
}

export interface ResponsesToChat {
  chat: ChatCompletionRequest;
  /** history + this request's input as items: what a stored response keeps as its input. */
  inputItems: InputItem[];
  /** Tool types dropped because OCI cannot run them (hosted tools), for the log line. */
  droppedTools: string[];
}

/**
 * A Responses API request → the canonical chat request the core runs. Pure.
 *
 * - `instructions` → a leading system message (not kept for follow-ups, as in OpenAI);
 * - message items keep their role (developer/system stay instructions); `input_image` → image parts;
 * - consecutive `function_call` items → one assistant message with `tool_calls`;
 *   `function_call_output` → a `tool` message; `reasoning` and hosted-tool items in the
 *   history are skipped (OCI cannot take them back);
 * - `function` tools pass through; hosted tools (web_search, file_search, namespace, …) are
 *   dropped, and a `tool_choice` forcing one is a 400 naming it.
 *
 * @example
 *   responsesToChatRequest({ model: "grok-4", input: "Hi", instructions: "Be brief" }, { reasoningEffort: false }).chat.messages;
 *   // [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }]
 */
export function responsesToChatRequest(req: ResponsesRequest, options: ResponsesToChatOptions): ResponsesToChat {
  const own: InputItem[] = typeof req.input === "string" ? [{ type: "message", role: "user", content: req.input }] : req.input;
  const inputItems = options.history ? [...options.history, ...own] : own;

  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: "system", content: req.instructions });
  appendItems(messages, inputItems, options.history?.length ?? 0);
  if (!messages.some((m) => m.role !== "system" && m.role !== "developer")) {
    throw new InvalidRequestError("Invalid 'input': it carries no message or tool output to answer.", "input");
  }

  const { tools, dropped } = functionTools(req.tools);
  const chat: ChatCompletionRequest = { model: req.model, messages, stream: req.stream === true, stream_options: { include_usage: true } };
  if (req.max_output_tokens != null) chat.max_tokens = req.max_output_tokens;
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (tools.length > 0) {
    chat.tools = tools;
    const choice = toToolChoice(req.tool_choice, tools);
    if (choice !== undefined) chat.tool_choice = choice;
    if (req.parallel_tool_calls != null) chat.parallel_tool_calls = req.parallel_tool_calls;
  } else {
    rejectForcedHostedTool(req.tool_choice);
  }
  const format = toResponseFormat(req.text?.format);
  if (format) chat.response_format = format;
  const effort = req.reasoning?.effort;
  if (effort != null && options.reasoningEffort) chat.reasoning_effort = effort === "xhigh" ? "high" : effort;
  return { chat, inputItems, droppedTools: dropped };
}

function appendItems(messages: ChatMessage[], items: readonly InputItem[], historyLength: number): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Paths in errors point into the client's own `input`, not the stored history.
    const path = i >= historyLength ? `input[${i - historyLength}]` : `previous_response_id (item ${i})`;
    switch (item.type ?? "message") {
      case "message":
        messages.push(fromMessage(item as MessageItem));
        break;
      case "function_call": {
        const call = item as FunctionCallItem;
        const toolCall = { id: call.call_id, type: "function" as const, function: { name: call.name, arguments: call.arguments || "{}" } };
        const last = messages[messages.length - 1];
        // A turn's calls follow its text (or each other): they belong to one assistant message.
        if (last?.role === "assistant") (last.tool_calls ??= []).push(toolCall);
        else messages.push({ role: "assistant", content: null, tool_calls: [toolCall] });
        break;
      }
      case "function_call_output": {
        const output = (item as FunctionCallOutputItem).output;
        messages.push({ role: "tool", tool_call_id: (item as FunctionCallOutputItem).call_id, content: typeof output === "string" ? output : outputText(output) });
        break;
      }
      case "item_reference":
        throw new InvalidRequestError(`Invalid '${path}.type': 'item_reference' is not supported by this proxy; send the item itself.`, `${path}.type`);
      default:
        // reasoning (no way to hand it back to OCI), hosted tool calls and their results.
        break;
    }
  }
}

function fromMessage(item: MessageItem): ChatMessage {
  const content = item.content;
  if (typeof content === "string") return { role: item.role, content };
  if (item.role !== "user") return { role: item.role, content: textOf(content) };
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (part.type === "input_image") parts.push({ type: "image_url", image_url: { url: part.image_url!, ...(part.detail ? { detail: part.detail } : {}) } });
    else parts.push({ type: "text", text: partText(part) });
  }
  return { role: "user", content: parts.length > 0 ? parts : "" };
}

function textOf(parts: MessagePart[]): string {
  if (parts.length === 1) return partText(parts[0]);
  let text = "";
  for (const part of parts) text += partText(part);
  return text;
}

function partText(part: MessagePart): string {
  return part.type === "refusal" ? part.refusal : part.type === "input_image" ? "" : part.text;
}

function outputText(parts: FunctionCallOutputItem["output"]): string {
  let text = "";
  for (const part of parts as Array<{ type: string; text?: string }>) if (typeof part.text === "string") text += part.text;
  return text;
}

function functionTools(tools: readonly ToolSpec[] | null | undefined): { tools: FunctionTool[]; dropped: string[] } {
  const out: FunctionTool[] = [];
  const dropped: string[] = [];
  for (const tool of tools ?? []) {
    if (tool.type !== "function") {
      dropped.push(tool.type);
      continue;
    }
    const fn = tool as FunctionToolSpec;
    out.push({
      type: "function",
      function: {
        name: fn.name,
        ...(fn.description != null ? { description: fn.description } : {}),
        ...(fn.parameters != null ? { parameters: fn.parameters } : {}),
        ...(fn.strict != null ? { strict: fn.strict } : {}),
      },
    });
  }
  return { tools: out, dropped };
}

function toToolChoice(choice: ResponsesRequest["tool_choice"], tools: FunctionTool[]): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (typeof choice === "string") return choice;
  rejectForcedHostedTool(choice);
  if (choice.type === "function") {
    const name = (choice as { name: string }).name;
    if (!tools.some((t) => t.function.name === name)) {
      throw new InvalidRequestError(`Invalid 'tool_choice': function '${name.slice(0, 64)}' is not one of the functions declared in 'tools'.`, "tool_choice.name");
    }
    return { type: "function", function: { name } };
  }
  // allowed_tools: the mode is what OCI can honour; the listed subset is advisory.
  return (choice as { mode?: string }).mode === "required" ? "required" : "auto";
}

/** A tool_choice that forces a hosted tool cannot be honoured: say so rather than answer without it. */
function rejectForcedHostedTool(choice: ResponsesRequest["tool_choice"]): void {
  if (choice == null || typeof choice === "string") return;
  if (choice.type === "function" || choice.type === "allowed_tools") return;
  const named = (choice as { name?: unknown }).name;
  const name = typeof named === "string" ? `${choice.type} '${named}'` : `'${choice.type}'`;
  throw new InvalidRequestError(
    `Invalid 'tool_choice': the hosted tool ${name.slice(0, 80)} cannot run on OCI models through this proxy; only function tools are supported.`,
    "tool_choice",
    "unsupported_tool",
  );
}

function toResponseFormat(format: TextFormat | null | undefined): ResponseFormat | undefined {
  if (format == null || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description != null ? { description: format.description } : {}),
      ...(format.strict != null ? { strict: format.strict } : {}),
    },
  };
}
