/**
 * The Anthropic Messages API wire format, as far as the proxy reads and writes it.
 * Requests are typed after validation (validate-messages-request.ts); unknown fields
 * (`cache_control`, `context_management`, `output_config`, …) are accepted and ignored.
 */

export interface TextBlock {
  type: "text";
  text: string;
}
export interface ImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
}
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
}
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}
/** Blocks the proxy reads past (redacted thinking, server tool results, documents …). */
export interface OtherBlock {
  type: string;
  [key: string]: unknown;
}
export type ContentBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | OtherBlock;

export interface MessageParam {
  /** "system" is not in Anthropic's schema, but Claude Code sends it; treated as a system turn. */
  role: "user" | "assistant" | "system";
  content: string | ContentBlock[];
}

export interface ToolParam {
  /** Absent or "custom" for client tools; server tools carry a versioned type (web_search_20250305 …). */
  type?: string;
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
}

export type ToolChoiceParam =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string | TextBlock[];
  tools?: ToolParam[];
  tool_choice?: ToolChoiceParam;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: { type: "enabled"; budget_tokens: number } | { type: "disabled" } | { type: "adaptive" };
  stream?: boolean;
  metadata?: { user_id?: string | null };
  output_config?: { format?: { type: "json_schema"; schema: Record<string, unknown> } | null; effort?: string | null } | null;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export type ResponseBlock = TextBlock | ToolUseBlock | (ThinkingBlock & { signature: string });

export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface MessageObject {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: MessageUsage;
}
