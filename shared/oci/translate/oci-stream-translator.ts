import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from "../../openai/chat-types";
import { clip } from "../../openai/clip";
import type { CompletionIdentity } from "./from-oci-chat-response";
import { generateToolCallId } from "./generate-tool-call-id";
import { mapOciFinishReason } from "./map-oci-finish-reason";
import { mapOciUsage } from "./map-oci-usage";
import type { OciApiFormat } from "./oci-chat-types";
import { UpstreamProtocolError } from "./upstream-protocol-error";

export interface OciStreamTranslatorOptions extends CompletionIdentity {
  format: OciApiFormat;
  /** The client asked for `stream_options.include_usage`: forward the usage chunk. */
  includeUsage: boolean;
}

type Delta = ChatCompletionChunk["choices"][number]["delta"];
type Json = Record<string, unknown>;

/** A GENERIC tool call being streamed: fragments append to the latest one. */
interface OpenCall {
  index: number;
  upstreamId: string | undefined;
  name: string;
  args: string;
}

/**
 * Turns OCI chat stream events into OpenAI `chat.completion.chunk`s, one SSE `data`
 * string at a time (the caller parses SSE). Holds the little state the quirks need:
 *
 * - the first chunk carries `role: "assistant"`;
 * - GENERIC tool-call fragments get a stable `index`; `id`/`name` go out only on a
 *   call's first fragment; fragments without id/name continue the current call;
 *   missing ids (Gemini) are generated;
 * - COHERE restates the whole text (and its tool calls) on its closing events: only a
 *   missing suffix of text and unseen tool calls are emitted;
 * - exactly one finish chunk (`tool_calls` when a tool call went out and the vendor
 *   said stop), then the usage chunk if the client asked for it;
 * - Meta's `[DONE]` is swallowed (the caller writes its own).
 *
 * Reading can stop once {@link done} is true: the finish chunk went out and usage
 * arrived (GENERIC sends usage in a separate event after finish; COHERE puts it on the
 * finish event and may then leave the stream open). While only {@link finished} is
 * true, the caller waits a short grace period for usage, then calls {@link finish}.
 *
 * @example
 *   const t = new OciStreamTranslator({ id, created, model: "grok", format: "GENERIC", includeUsage: false });
 *   parser = createParser({ onEvent: (e) => send(t.push(e.data)) });
 *   // ...feed the upstream body; when t.done or the body ends:
 *   send(t.finish()); // then write "data: [DONE]"
 */
export class OciStreamTranslator {
  private started = false;
  private finishSent = false;
  private usageSent = false;
  private sawDoneSentinel = false;
  private toolCalled = false;
  private lastUsage: Usage | undefined;
  /** GENERIC: calls opened so far. */
  private readonly calls: OpenCall[] = [];
  /** COHERE: tool calls emitted so far, and the text emitted so far. */
  private cohereCalls = 0;
  private cohereText = "";

  constructor(private readonly opts: OciStreamTranslatorOptions) {}

  /** The finish chunk has been produced (upstream finished, or {@link finish} was called). */
  get finished(): boolean {
    return this.finishSent;
  }

  /** Nothing more worth reading upstream: call {@link finish} and close. */
  get done(): boolean {
    return this.sawDoneSentinel || (this.finishSent && (this.lastUsage !== undefined || this.opts.format === "COHERE"));
  }

  /** Token usage reported upstream, if any yet (for stats, whether or not forwarded). */
  get usage(): Usage | undefined {
    return this.lastUsage;
  }

  /**
   * Translates one SSE event's `data`. Throws {@link UpstreamProtocolError} when the data
   * is not a JSON object, or is an error object OCI sent in-band.
   */
  push(data: string): ChatCompletionChunk[] {
    const out: ChatCompletionChunk[] = [];
    if (data.length === 0) return out;
    if (data === "[DONE]") {
      this.sawDoneSentinel = true;
      return out;
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      // Not quoted: it is model output, and this message reaches logs.
      throw new UpstreamProtocolError(`OCI stream event is not JSON (${data.length} characters)`);
    }
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
      throw new UpstreamProtocolError(`OCI stream event is not a JSON object (${data.length} characters)`);
    }
    const ev = event as Json;
    rejectErrorEvent(ev);
    if (this.opts.format === "COHERE") this.pushCohere(ev, out);
    else this.pushGeneric(ev, out);
    return out;
  }

  /**
   * Flushes the end of the stream: the finish chunk if none went out yet (the upstream
   * ended without a finish reason), and the usage chunk if asked for and known.
   * Idempotent: a second call returns [].
   */
  finish(): ChatCompletionChunk[] {
    const out: ChatCompletionChunk[] = [];
    if (!this.finishSent) this.emitFinish(null, out);
    else this.emitUsage(out);
    return out;
  }

  // ---- GENERIC: {index, message: {role, content: [{type: "TEXT", text}], reasoningContent, toolCalls}, finishReason} / {usage}

  private pushGeneric(ev: Json, out: ChatCompletionChunk[]): void {
    const message = ev.message;
    if (!this.finishSent && message !== null && typeof message === "object") {
      const m = message as Json;
      const delta = this.newDelta();
      let filled = false;
      if (typeof m.reasoningContent === "string" && m.reasoningContent !== "") {
        delta.reasoning_content = m.reasoningContent;
        filled = true;
      }
      const text = textOf(m.content);
      if (text !== "") {
        delta.content = text;
        filled = true;
      }
      if (Array.isArray(m.toolCalls) && m.toolCalls.length > 0) {
        const toolCalls = this.genericToolDeltas(m.toolCalls);
        if (toolCalls.length > 0) {
          delta.tool_calls = toolCalls;
          filled = true;
        }
      }
      if (filled) this.emitDelta(delta, out);
    }
    this.afterContent(ev, out);
  }

  private genericToolDeltas(fragments: unknown[]): ToolCallDelta[] {
    const deltas: ToolCallDelta[] = [];
    for (const fragment of fragments) {
      if (fragment === null || typeof fragment !== "object") continue;
      const f = fragment as Json;
      const id = nonEmpty(f.id);
      const name = nonEmpty(f.name);
      const args = argumentsText(f.arguments);
      const current = this.calls[this.calls.length - 1];
      if (startsNewCall(current, id, name)) {
        const call: OpenCall = { index: this.calls.length, upstreamId: id, name: name ?? "", args };
        this.calls.push(call);
        this.toolCalled = true;
        deltas.push({
          index: call.index,
          id: id ?? generateToolCallId(),
          type: "function",
          function: { name: call.name, arguments: args },
        });
      } else if (args !== "") {
        current.args += args;
        deltas.push({ index: current.index, function: { arguments: args } });
      }
    }
    return deltas;
  }

  // ---- COHERE: {apiFormat, text} deltas, then {text: <all>, toolCalls} / {text: <all>, chatHistory, finishReason, usage}

  private pushCohere(ev: Json, out: ChatCompletionChunk[]): void {
    if (!this.finishSent) {
      const delta = this.newDelta();
      let filled = false;
      const text = typeof ev.text === "string" ? ev.text : "";
      // Closing events restate everything said so far; plain deltas carry only text.
      const restates = ev.chatHistory != null || ev.toolCalls != null || nonEmpty(ev.finishReason) !== undefined;
      let piece = text;
      if (restates) {
        const said = this.cohereText;
        // Emit only what the deltas missed; a restatement that differs is not repeated.
        piece = text.length > said.length && text.startsWith(said) ? text.slice(said.length) : "";
      }
      if (piece !== "") {
        this.cohereText += piece;
        delta.content = piece;
        filled = true;
      }
      const calls = ev.toolCalls;
      if (Array.isArray(calls) && calls.length > this.cohereCalls) {
        const toolCalls: ToolCallDelta[] = [];
        for (let k = this.cohereCalls; k < calls.length; k++) {
          const c = calls[k] !== null && typeof calls[k] === "object" ? (calls[k] as Json) : {};
          toolCalls.push({
            index: k,
            id: generateToolCallId(),
            type: "function",
            function: { name: typeof c.name === "string" ? c.name : "", arguments: argumentsText(c.parameters) || "{}" },
          });
        }
        this.cohereCalls = calls.length;
        this.toolCalled = true;
        delta.tool_calls = toolCalls;
        filled = true;
      }
      if (filled) this.emitDelta(delta, out);
    }
    this.afterContent(ev, out);
  }

  // ---- shared ---------------------------------------------------------------------------

  /** Finish reason and usage, in that order, from any event. */
  private afterContent(ev: Json, out: ChatCompletionChunk[]): void {
    const reason = nonEmpty(ev.finishReason);
    if (reason !== undefined && !this.finishSent) this.emitFinish(mapOciFinishReason(reason), out);
    if (ev.usage != null) {
      const usage = mapOciUsage(ev.usage);
      if (usage !== undefined) {
        this.lastUsage = usage;
        if (this.finishSent) this.emitUsage(out);
      }
    }
  }

  private newDelta(): Delta {
    return this.started ? {} : { role: "assistant" };
  }

  private emitDelta(delta: Delta, out: ChatCompletionChunk[]): void {
    this.started = true;
    out.push(this.chunk(delta, null));
  }

  private emitFinish(reason: FinishReason | null, out: ChatCompletionChunk[]): void {
    if (!this.started) this.emitDelta({ role: "assistant", content: "" }, out);
    let finish: FinishReason = reason ?? "stop";
    // Vendors (Meta, Cohere) end a tool-calling turn with plain stop; OpenAI clients key on tool_calls.
    if (this.toolCalled && finish === "stop") finish = "tool_calls";
    // ...and a tool_calls finish without any call would send agents looking for nothing.
    else if (!this.toolCalled && finish === "tool_calls") finish = "stop";
    this.finishSent = true;
    out.push(this.chunk({}, finish));
    this.emitUsage(out);
  }

  private emitUsage(out: ChatCompletionChunk[]): void {
    if (!this.opts.includeUsage || this.usageSent || this.lastUsage === undefined) return;
    this.usageSent = true;
    const { id, created, model } = this.opts;
    out.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage: this.lastUsage });
  }

  private chunk(delta: Delta, finish: FinishReason | null): ChatCompletionChunk {
    const { id, created, model } = this.opts;
    return { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}

/**
 * A fragment opens a new call when it names a different id, or (no id, as with Gemini)
 * names a function while the current call is already a complete JSON value.
 */
function startsNewCall(current: OpenCall | undefined, id: string | undefined, name: string | undefined): boolean {
  if (current === undefined) return true;
  if (id !== undefined) return current.upstreamId !== undefined ? id !== current.upstreamId : name !== undefined;
  if (name === undefined) return false;
  return name !== current.name || isCompleteJson(current.args);
}

function isCompleteJson(text: string): boolean {
  if (text.length === 0) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === "string" ? content : "";
  let text = "";
  for (const part of content) {
    // Gemini sometimes omits `text` (or sends null) on a TEXT part.
    if (part !== null && typeof part === "object" && typeof (part as Json).text === "string") text += (part as Json).text as string;
  }
  return text;
}

function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value == null) return "";
  return JSON.stringify(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** OCI can end a stream with an error object instead of an answer event. */
function rejectErrorEvent(ev: Json): void {
  const error = ev.error !== null && typeof ev.error === "object" ? (ev.error as Json) : undefined;
  if (error !== undefined) {
    throw new UpstreamProtocolError(`OCI stream error: ${clip(String(error.message ?? error.code ?? "unknown"), 200)}`);
  }
  if (typeof ev.message === "string" && (typeof ev.code === "string" || typeof ev.code === "number")) {
    throw new UpstreamProtocolError(`OCI stream error ${ev.code}: ${clip(ev.message, 200)}`);
  }
}
