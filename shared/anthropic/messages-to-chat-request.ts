import { InvalidRequestError } from "../openai/errors";
import type { ChatCompletionRequest, ChatMessage, ContentPart, FunctionTool, ToolCall } from "../openai/chat-types";
import type { ContentBlock, ImageBlock, MessagesRequest, TextBlock, ToolParam, ToolResultBlock, ToolUseBlock } from "./messages-types";
import { isClientTool } from "./validate-messages-request";

export interface MessagesToChatOptions {
  /** The OCI model takes `reasoningEffort` (see supportsReasoningEffort). */
  reasoningEffort: boolean;
}

export interface MessagesToChat {
  chat: ChatCompletionRequest;
  /** Server tool types dropped (OCI cannot run them), for the log line. */
  droppedTools: string[];
}

/** Anthropic's thinking budget → an OCI reasoning effort. */
const BUDGET_EFFORT: ReadonlyArray<[number, "low" | "medium" | "high"]> = [
  [4_096, "low"],
  [16_384, "medium"],
  [Infinity, "high"],
];

/**
 * An Anthropic Messages request → the canonical chat request the core runs. Pure.
 *
 * - `system` (string or text blocks) and `role: "system"` turns → system messages;
 * - `text` / `image` (base64 → data URL, url) blocks → content parts;
 * - assistant `tool_use` blocks → `tool_calls` (input serialised as JSON arguments);
 *   user `tool_result` blocks → `tool` messages, placed before the rest of that turn
 *   (an `is_error` result says so in its text: chat tool messages have no error flag);
 * - `thinking` / `redacted_thinking` and server-tool blocks in the history are skipped;
 * - client tools → function tools; server tools (web_search_…, bash_…) are dropped, and
 *   a `tool_choice` naming one is a 400;
 * - `tool_choice` any → required, tool → named, none → none;
 *   `disable_parallel_tool_use` → `parallel_tool_calls: false`;
 * - `thinking.budget_tokens` → reasoning effort (≤ 4k low, ≤ 16k medium, else high) where
 *   the model has one; `output_config.format` → a JSON schema response format.
 *
 * @example
 *   messagesToChatRequest({ model: "grok-4", max_tokens: 64, system: "Be brief", messages: [{ role: "user", content: "Hi" }] }, { reasoningEffort: false }).chat.messages;
 *   // [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }]
 */
export function messagesToChatRequest(req: MessagesRequest, options: MessagesToChatOptions): MessagesToChat {
  const messages: ChatMessage[] = [];
  const system = typeof req.system === "string" ? req.system : req.system ? joinText(req.system) : "";
  if (system) messages.push({ role: "system", content: system });
  for (const message of req.messages) appendMessage(messages, message.role, message.content);

  const { tools, dropped } = functionTools(req.tools);
  const chat: ChatCompletionRequest = {
    model: req.model,
    messages,
    max_tokens: req.max_tokens,
    stream: req.stream === true,
    stream_options: { include_usage: true },
  };
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.top_k != null) chat.top_k = req.top_k;
  if (req.stop_sequences != null && req.stop_sequences.length > 0) chat.stop = req.stop_sequences;
  const choice = req.tool_choice;
  if (choice?.type === "tool" && !tools.some((t) => t.function.name === choice.name)) {
    const server = req.tools?.find((t) => t.name === choice.name);
    throw new InvalidRequestError(
      server
        ? `Invalid 'tool_choice': the server tool '${choice.name.slice(0, 64)}' (${String(server.type).slice(0, 40)}) cannot run on OCI models through this proxy; only client tools are supported.`
        : `Invalid 'tool_choice': tool '${choice.name.slice(0, 64)}' is not one of the tools declared in 'tools'.`,
      "tool_choice.name",
    );
  }
  if (tools.length > 0) {
    chat.tools = tools;
    if (choice?.type === "any") chat.tool_choice = "required";
    else if (choice?.type === "none") chat.tool_choice = "none";
    else if (choice?.type === "tool") chat.tool_choice = { type: "function", function: { name: choice.name } };
    if (choice && "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
  }
  const thinking = req.thinking;
  if (thinking?.type === "enabled" && options.reasoningEffort) {
    chat.reasoning_effort = BUDGET_EFFORT.find(([max]) => thinking.budget_tokens <= max)![1];
  }
  const format = req.output_config?.format;
  if (format) chat.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
  return { chat, droppedTools: dropped };
}

function appendMessage(messages: ChatMessage[], role: "user" | "assistant" | "system", content: string | ContentBlock[]): void {
  if (typeof content === "string") {
    messages.push({ role, content });
    return;
  }
  if (role === "system") {
    messages.push({ role, content: joinText(content.filter((b): b is TextBlock => b.type === "text")) });
    return;
  }
  if (role === "assistant") {
    let text = "";
    const calls: ToolCall[] = [];
    for (const block of content) {
      if (block.type === "text") text += (block as TextBlock).text;
      else if (block.type === "tool_use") {
        const use = block as ToolUseBlock;
        calls.push({ id: use.id, type: "function", function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } });
      }
    }
    if (calls.length > 0) messages.push({ role, content: text || null, tool_calls: calls });
    else messages.push({ role, content: text });
    return;
  }
  // user: tool results answer the previous assistant turn, so they go first.
  const parts: ContentPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") messages.push(toolMessage(block as ToolResultBlock));
    else if (block.type === "text") parts.push({ type: "text", text: (block as TextBlock).text });
    else if (block.type === "image") parts.push(imagePart(block as ImageBlock));
  }
  if (parts.length > 0) messages.push({ role, content: parts.length === 1 && parts[0].type === "text" ? parts[0].text : parts });
}

function toolMessage(block: ToolResultBlock): ChatMessage {
  const content = block.content;
  let text = typeof content === "string" ? content : content ? joinText(content.filter((b): b is TextBlock => b.type === "text")) : "";
  if (block.is_error) text = `Error: ${text}`;
  return { role: "tool", tool_call_id: block.tool_use_id, content: text };
}

function imagePart(block: ImageBlock): ContentPart {
  const source = block.source;
  const url = source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: "image_url", image_url: { url } };
}

function joinText(blocks: readonly TextBlock[]): string {
  if (blocks.length === 1) return blocks[0].text;
  return blocks.map((b) => b.text).join("\n");
}

function functionTools(tools: readonly ToolParam[] | undefined): { tools: FunctionTool[]; dropped: string[] } {
  const out: FunctionTool[] = [];
  const dropped: string[] = [];
  for (const tool of tools ?? []) {
    if (!isClientTool(tool)) {
      dropped.push(String(tool.type));
      continue;
    }
    out.push({
      type: "function",
      function: { name: tool.name, ...(tool.description != null ? { description: tool.description } : {}), parameters: tool.input_schema },
    });
  }
  return { tools: out, dropped };
}
