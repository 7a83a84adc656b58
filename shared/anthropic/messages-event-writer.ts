import { randomId } from "../chat/random-id";
import { SseEventBuffer } from "../chat/sse-event-buffer";
import type { ChatCompletionChunk, FinishReason, Usage } from "../openai/chat-types";
import type { MessageObject, MessageUsage, ResponseBlock, StopReason } from "./messages-types";

/** What a message says about itself, fixed when the request arrives. */
export interface MessageIdentity {
  id: string;
  model: string;
}

type Open =
  | { kind: "thinking"; index: number; block: { type: "thinking"; thinking: string; signature: string } }
  | { kind: "text"; index: number; block: { type: "text"; text: string } }
  | { kind: "tool"; index: number; chatIndex: number; args: string; block: { type: "tool_use"; id: string; name: string; input: unknown } };

const STOP_REASONS: Record<FinishReason, StopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/** Keep-alive while the model is silent: Anthropic streams send `ping` events, not comments. */
export const PING_EVENT = 'event: ping\ndata: {"type":"ping"}\n\n';

/**
 * Canonical chat chunks → Anthropic Messages stream events: `message_start`, per block
 * `content_block_start` → `content_block_delta` (`thinking_delta`, `text_delta`,
 * `input_json_delta`) … → `content_block_stop`, then `message_delta` (stop_reason and
 * usage, input_tokens included: OCI reports usage only at the end) and `message_stop`,
 * which the SDK's `finalMessage()` needs. Every event has its `event:` line (the SDK
 * ignores events without one).
 *
 * Tool calls become `tool_use` blocks with `toolu_…` ids (the chat id, prefixed: tool
 * results come back with it and map to the same OCI call id) and their parsed `input`.
 * `silent` builds only the final message (the non-streamed answer reuses this one path).
 *
 * @example
 *   const w = new MessagesEventWriter({ id: "msg_1", model: "grok-4" });
 *   send(w.start()); for (const c of chunks) send(w.push(c)); send(w.finish(usage).events);
 */
export class MessagesEventWriter {
  readonly content: ResponseBlock[] = [];
  private readonly events: SseEventBuffer;
  private open: Open | undefined;
  private finishReason: FinishReason | null = null;
  private usage: Usage | undefined;

  constructor(
    private readonly identity: MessageIdentity,
    silent = false,
  ) {
    this.events = new SseEventBuffer(silent);
  }

  start(): string {
    this.emit("message_start", { type: "message_start", message: this.message(null, messageUsage(undefined)) });
    return this.take();
  }

  push(chunk: ChatCompletionChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) return this.take();
    const delta = choice.delta;
    if (delta.reasoning_content) {
      const open = this.open?.kind === "thinking" ? this.open : this.openBlock({ kind: "thinking", index: this.content.length, block: { type: "thinking", thinking: "", signature: "" } });
      open.block.thinking += delta.reasoning_content;
      this.delta(open.index, { type: "thinking_delta", thinking: delta.reasoning_content });
    }
    if (delta.content) {
      const open = this.open?.kind === "text" ? this.open : this.openBlock({ kind: "text", index: this.content.length, block: { type: "text", text: "" } });
      open.block.text += delta.content;
      this.delta(open.index, { type: "text_delta", text: delta.content });
    }
    for (const call of delta.tool_calls ?? []) {
      let open = this.open;
      if (open?.kind !== "tool" || open.chatIndex !== call.index) {
        const block = { type: "tool_use" as const, id: toolUseId(call.id), name: call.function.name ?? "", input: {} };
        open = this.openBlock({ kind: "tool", index: this.content.length, chatIndex: call.index, args: "", block });
      }
      const args = call.function.arguments;
      if (args) {
        open.args += args;
        this.delta(open.index, { type: "input_json_delta", partial_json: args });
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return this.take();
  }

  /** Closes the open block, then `message_delta` and `message_stop`. */
  finish(usage?: Usage): { events: string; message: MessageObject } {
    this.close();
    const stopReason = STOP_REASONS[this.finishReason ?? "stop"];
    const counts = messageUsage(this.usage ?? usage);
    this.emit("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { input_tokens: counts.input_tokens, output_tokens: counts.output_tokens, cache_read_input_tokens: counts.cache_read_input_tokens },
    });
    this.emit("message_stop", { type: "message_stop" });
    return { events: this.take(), message: this.message(stopReason, counts) };
  }

  /** A failure after the stream started: Anthropic's in-band `error` event (the SDK raises it). */
  fail(type: string, message: string): string {
    this.emit("error", { type: "error", error: { type, message } });
    return this.take();
  }

  private openBlock<T extends Open>(open: T): T {
    this.close();
    this.open = open;
    this.content.push(open.block);
    // The start event shows the block empty, as Anthropic does; deltas fill it in.
    const start = open.kind === "tool" ? { ...open.block, input: {} } : open.kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    this.emit("content_block_start", { type: "content_block_start", index: open.index, content_block: start });
    return open;
  }

  private close(): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    if (open.kind === "tool") open.block.input = parseInput(open.args);
    this.emit("content_block_stop", { type: "content_block_stop", index: open.index });
  }

  private delta(index: number, delta: Record<string, unknown>): void {
    this.emit("content_block_delta", { type: "content_block_delta", index, delta });
  }

  private message(stopReason: StopReason | null, usage: MessageUsage): MessageObject {
    const { id, model } = this.identity;
    return { id, type: "message", role: "assistant", model, content: stopReason ? this.content : [], stop_reason: stopReason, stop_sequence: null, usage };
  }

  private emit(event: string, data: Record<string, unknown>): void {
    this.events.emit(event, data);
  }

  private take(): string {
    return this.events.take();
  }
}

/** Chat usage → Anthropic usage (OCI's cached prompt tokens are cache reads). */
export function messageUsage(usage: Usage | undefined): MessageUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: usage ? usage.prompt_tokens - cached : 0,
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

function toolUseId(id: string | undefined): string {
  if (!id) return randomId("toolu_");
  return id.startsWith("toolu_") ? id : `toolu_${id}`;
}

/** A tool's input is an object in Anthropic's API; a model that wrote something else gets it wrapped. */
function parseInput(args: string): unknown {
  if (args.trim() === "") return {};
  try {
    const value = JSON.parse(args);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : { value };
  } catch {
    return { raw_arguments: args };
  }
}
