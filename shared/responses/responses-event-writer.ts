import { randomId } from "../chat/random-id";
import { SseEventBuffer } from "../chat/sse-event-buffer";
import type { ChatCompletionChunk, FinishReason, Usage } from "../openai/chat-types";
import { responseEnvelope, type ResponseContext } from "./response-envelope";
import type { OutputFunctionCall, OutputItem, OutputMessage, OutputReasoning, ResponseObject } from "./responses-types";

type Open =
  | { kind: "reasoning"; item: OutputReasoning; index: number; text: string }
  | { kind: "message"; item: OutputMessage; index: number; text: string }
  | { kind: "call"; item: OutputFunctionCall; index: number; chatIndex: number };

/**
 * Canonical chat chunks → the Responses API's streaming events, in the documented order
 * the openai SDK's `responses.stream` helper checks: `response.created`,
 * `response.in_progress`; per output item `output_item.added`, then for a message
 * `content_part.added` → `output_text.delta`… → `output_text.done` → `content_part.done`,
 * for reasoning `reasoning_summary_part.added` → `reasoning_summary_text.delta`… →
 * `.done` → `reasoning_summary_part.done`, for a call `function_call_arguments.delta`… →
 * `.done`; `output_item.done` (Codex builds its output from these alone); and one terminal
 * `response.completed` / `response.incomplete` carrying the whole response and usage (where
 * Codex reads usage), or `response.failed` with the error in-band. Every event has a
 * `sequence_number`.
 *
 * A new kind of output (reasoning → text → calls) closes the item before it. Built output
 * items are kept for the terminal event and the store; `silent` builds only those (the
 * non-streamed answer reuses this one path).
 *
 * @example
 *   const w = new ResponsesEventWriter(ctx);
 *   send(w.start()); for (const c of chunks) send(w.push(c)); send(w.finish(usage).events);
 */
export class ResponsesEventWriter {
  readonly output: OutputItem[] = [];
  private seq = 0;
  private readonly events: SseEventBuffer;
  private open: Open | undefined;
  private finishReason: FinishReason | null = null;
  private usage: Usage | undefined;

  constructor(
    private readonly ctx: ResponseContext,
    silent = false,
  ) {
    this.events = new SseEventBuffer(silent);
  }

  /** `response.created` and `response.in_progress`. */
  start(): string {
    const response = responseEnvelope(this.ctx, "in_progress", [], undefined);
    this.emit("response.created", { response });
    this.emit("response.in_progress", { response });
    return this.take();
  }

  push(chunk: ChatCompletionChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) return this.take();
    const delta = choice.delta;
    if (delta.reasoning_content) this.reasoningDelta(delta.reasoning_content);
    if (delta.content) this.textDelta(delta.content);
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) {
        if (this.open?.kind !== "call" || this.open.chatIndex !== call.index) this.openCall(call.index, call.id ?? randomId("call_"), call.function.name ?? "");
        const args = call.function.arguments;
        if (args) {
          const open = this.open as Extract<Open, { kind: "call" }>;
          open.item.arguments += args;
          this.emit("response.function_call_arguments.delta", { item_id: open.item.id, output_index: open.index, delta: args });
        }
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return this.take();
  }

  /**
   * Closes the open item and ends the stream: `response.incomplete` when the answer was cut
   * (max_output_tokens, content filter), `response.completed` otherwise.
   */
  finish(usage?: Usage): { events: string; response: ResponseObject } {
    this.close(this.finishReason === "length" || this.finishReason === "content_filter" ? "incomplete" : "completed");
    const reason = this.finishReason === "length" ? "max_output_tokens" : this.finishReason === "content_filter" ? "content_filter" : undefined;
    const response = responseEnvelope(this.ctx, reason ? "incomplete" : "completed", this.output, this.usage ?? usage, {
      error: null,
      incomplete_details: reason ? { reason } : null,
    });
    this.emit(reason ? "response.incomplete" : "response.completed", { response });
    return { events: this.take(), response };
  }

  /** Ends a stream that broke after it started: `response.failed` with the error in-band. */
  fail(code: string, message: string): string {
    this.close("incomplete");
    const response = responseEnvelope(this.ctx, "failed", this.output, this.usage, { error: { code, message }, incomplete_details: null });
    this.emit("response.failed", { response });
    return this.take();
  }

  private reasoningDelta(text: string): void {
    let open = this.open;
    if (open?.kind !== "reasoning") {
      this.close("completed");
      const item: OutputReasoning = { id: randomId("rs_"), type: "reasoning", summary: [] };
      open = this.openItem({ kind: "reasoning", item, index: this.output.length, text: "" });
      this.emit("response.reasoning_summary_part.added", { item_id: item.id, output_index: open.index, summary_index: 0, part: { type: "summary_text", text: "" } });
    }
    open.text += text;
    this.emit("response.reasoning_summary_text.delta", { item_id: open.item.id, output_index: open.index, summary_index: 0, delta: text });
  }

  private textDelta(text: string): void {
    let open = this.open;
    if (open?.kind !== "message") {
      this.close("completed");
      const item: OutputMessage = { id: randomId("msg_"), type: "message", status: "in_progress", role: "assistant", content: [] };
      open = this.openItem({ kind: "message", item, index: this.output.length, text: "" });
      this.emit("response.content_part.added", { item_id: item.id, output_index: open.index, content_index: 0, part: textPart("") });
    }
    open.text += text;
    this.emit("response.output_text.delta", { item_id: open.item.id, output_index: open.index, content_index: 0, delta: text, logprobs: [] });
  }

  private openCall(chatIndex: number, callId: string, name: string): void {
    this.close("completed");
    const item: OutputFunctionCall = { id: randomId("fc_"), type: "function_call", status: "in_progress", call_id: callId, name, arguments: "" };
    this.openItem({ kind: "call", item, index: this.output.length, chatIndex });
  }

  private openItem<T extends Open>(open: T): T {
    this.open = open;
    this.output.push(open.item);
    this.emit("response.output_item.added", { output_index: open.index, item: open.item });
    return open;
  }

  private close(status: "completed" | "incomplete"): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const { item, index } = open;
    if (open.kind === "reasoning") {
      const part = { type: "summary_text" as const, text: open.text };
      this.emit("response.reasoning_summary_text.done", { item_id: item.id, output_index: index, summary_index: 0, text: open.text });
      this.emit("response.reasoning_summary_part.done", { item_id: item.id, output_index: index, summary_index: 0, part });
      open.item.summary = [part];
    } else if (open.kind === "message") {
      const part = textPart(open.text);
      this.emit("response.output_text.done", { item_id: item.id, output_index: index, content_index: 0, text: open.text, logprobs: [] });
      this.emit("response.content_part.done", { item_id: item.id, output_index: index, content_index: 0, part });
      open.item.content = [part];
      open.item.status = status;
    } else {
      // An empty argument string is not JSON; clients parse it.
      if (open.item.arguments === "") open.item.arguments = "{}";
      this.emit("response.function_call_arguments.done", { item_id: item.id, output_index: index, name: open.item.name, arguments: open.item.arguments });
      open.item.status = "completed";
    }
    this.emit("response.output_item.done", { output_index: index, item });
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    // type first, then the fields, then the sequence number: the order OpenAI sends them in.
    this.events.emit(type, { type, ...fields, sequence_number: this.seq++ });
  }

  private take(): string {
    return this.events.take();
  }
}

function textPart(text: string) {
  return { type: "output_text" as const, text, annotations: [], logprobs: [] };
}
