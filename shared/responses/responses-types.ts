/**
 * The OpenAI Responses API wire format, as far as the proxy reads and writes it. Requests
 * are typed after validation (validate-responses-request.ts); unknown fields are accepted
 * and ignored, as OpenAI-compatible servers do.
 */

export interface InputTextPart {
  type: "input_text";
  text: string;
}
export interface OutputTextPart {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}
export interface InputImagePart {
  type: "input_image";
  image_url?: string;
  file_id?: string;
  detail?: "auto" | "low" | "high";
}
export interface RefusalPart {
  type: "refusal";
  refusal: string;
}
export type MessagePart = InputTextPart | OutputTextPart | InputImagePart | RefusalPart;

export type MessageRole = "user" | "assistant" | "system" | "developer";

export interface MessageItem {
  type?: "message";
  id?: string;
  role: MessageRole;
  content: string | MessagePart[];
  status?: string;
}
export interface FunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: string;
}
export interface FunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  output: string | Array<InputTextPart | InputImagePart | { type: string; text?: string }>;
}
export interface ReasoningItem {
  type: "reasoning";
  id?: string;
  summary: Array<{ type: "summary_text"; text: string }>;
  encrypted_content?: string | null;
}
/** Items of other types (hosted tool calls in history) are carried but not translated. */
export interface OtherItem {
  type: string;
  [key: string]: unknown;
}
export type InputItem = MessageItem | FunctionCallItem | FunctionCallOutputItem | ReasoningItem | OtherItem;

export interface FunctionToolSpec {
  type: "function";
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}
/** Hosted tools (web_search, file_search, …) and Codex's namespace tools: never sent to OCI. */
export type ToolSpec = FunctionToolSpec | { type: string; name?: string; [key: string]: unknown };

export type ResponsesToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type: "function"; name: string }
  | { type: "allowed_tools"; mode: "auto" | "required"; tools: Array<{ type: string; name?: string }> }
  | { type: string; [key: string]: unknown };

export type TextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

export interface ResponsesRequest {
  model: string;
  input: string | InputItem[];
  instructions?: string | null;
  tools?: ToolSpec[] | null;
  tool_choice?: ResponsesToolChoice | null;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: { format?: TextFormat | null; verbosity?: string | null } | null;
  reasoning?: { effort?: ReasoningEffort | null; summary?: string | null } | null;
  stream?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  user?: string | null;
  truncation?: string | null;
}

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export interface OutputMessage {
  id: string;
  type: "message";
  status: ItemStatus;
  role: "assistant";
  content: OutputTextPart[];
}
export interface OutputFunctionCall {
  id: string;
  type: "function_call";
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
}
export interface OutputReasoning {
  id: string;
  type: "reasoning";
  summary: Array<{ type: "summary_text"; text: string }>;
}
export type OutputItem = OutputMessage | OutputFunctionCall | OutputReasoning;
export type ItemStatus = "in_progress" | "completed" | "incomplete";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: TextFormat };
  tool_choice: unknown;
  tools: FunctionToolSpec[];
  top_p: number | null;
  truncation: string;
  usage: ResponseUsage | null;
  user: string | null;
}
