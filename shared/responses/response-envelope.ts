import type { Usage } from "../openai/chat-types";
import type { FunctionToolSpec, OutputItem, ResponseObject, ResponseStatus, ResponseUsage, ResponsesRequest } from "./responses-types";

/** What a response echoes back of its request, fixed when the request arrives. */
export interface ResponseContext {
  id: string;
  createdAt: number;
  request: ResponsesRequest;
  /** The function tools actually offered (hosted ones dropped). */
  tools: FunctionToolSpec[];
  store: boolean;
}

/**
 * The `response` object of the Responses API around an output: every field OpenAI sends,
 * the request's settings echoed as OpenAI echoes them.
 *
 * @example
 *   responseEnvelope(ctx, "completed", [message], usage).status; // "completed"
 */
export function responseEnvelope(
  ctx: ResponseContext,
  status: ResponseStatus,
  output: OutputItem[],
  usage: Usage | undefined,
  extra: Pick<ResponseObject, "error" | "incomplete_details"> = { error: null, incomplete_details: null },
): ResponseObject {
  const req = ctx.request;
  return {
    id: ctx.id,
    object: "response",
    created_at: ctx.createdAt,
    status,
    background: false,
    error: extra.error,
    incomplete_details: extra.incomplete_details,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    metadata: req.metadata ?? {},
    model: req.model,
    output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: ctx.store,
    temperature: req.temperature ?? null,
    text: { format: req.text?.format ?? { type: "text" } },
    tool_choice: req.tool_choice ?? "auto",
    tools: ctx.tools,
    top_p: req.top_p ?? null,
    truncation: req.truncation ?? "disabled",
    usage: usage ? responseUsage(usage) : null,
    user: req.user ?? null,
  };
}

/** Chat usage → Responses usage (input/output naming, details always present). */
export function responseUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}
