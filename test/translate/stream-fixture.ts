import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createParser } from "eventsource-parser";
import type { ChatCompletionChunk, FinishReason, Usage } from "../../shared/openai/chat-types";
import { OciStreamTranslator } from "../../shared/oci/translate/oci-stream-translator";
import type { OciApiFormat } from "../../shared/oci/translate/oci-chat-types";

export const IDENTITY = { id: "chatcmpl-test", created: 1_700_000_000, model: "client-model" };

/** The `data` of every SSE event in a recorded fixture, split by the real SSE parser. */
export function fixtureEvents(name: string): string[] {
  const text = readFileSync(join(__dirname, "..", "fixtures", "streams", name), "utf8");
  const events: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event.data) });
  parser.feed(text);
  return events;
}

export interface Replay {
  chunks: ChatCompletionChunk[];
  translator: OciStreamTranslator;
  /** Index of the event after which `done` first became true (undefined: never). */
  doneAfterEvent: number | undefined;
  eventCount: number;
}

/** Feeds a fixture through a translator the way the route does, then calls finish(). */
export function replay(name: string, format: OciApiFormat, includeUsage: boolean): Replay {
  const events = fixtureEvents(name);
  const translator = new OciStreamTranslator({ ...IDENTITY, format, includeUsage });
  const chunks: ChatCompletionChunk[] = [];
  let doneAfterEvent: number | undefined;
  events.forEach((data, i) => {
    chunks.push(...translator.push(data));
    if (doneAfterEvent === undefined && translator.done) doneAfterEvent = i;
  });
  chunks.push(...translator.finish());
  return { chunks, translator, doneAfterEvent, eventCount: events.length };
}

export interface Reassembled {
  content: string;
  reasoning: string;
  toolCalls: Array<{ index: number; id: string; name: string; arguments: string }>;
  finishReasons: FinishReason[];
  usageChunks: Usage[];
}

/**
 * What an OpenAI client would build from the chunks (the openai-node accumulation rules),
 * asserting the stream invariants on the way: same identity on every chunk, role only and
 * always on the first chunk, id/name only on a tool call's first fragment, nothing after
 * the finish chunk but the usage chunk.
 */
export function reassemble(chunks: ChatCompletionChunk[]): Reassembled {
  const out: Reassembled = { content: "", reasoning: "", toolCalls: [], finishReasons: [], usageChunks: [] };
  chunks.forEach((chunk, n) => {
    expect(chunk).toMatchObject({ ...IDENTITY, object: "chat.completion.chunk" });
    if (chunk.choices.length === 0) {
      expect(chunk.usage).toBeDefined();
      out.usageChunks.push(chunk.usage!);
      return;
    }
    expect(out.usageChunks).toHaveLength(0);
    expect(out.finishReasons).toHaveLength(0);
    expect(chunk.choices).toHaveLength(1);
    const choice = chunk.choices[0];
    expect(choice.index).toBe(0);
    const delta = choice.delta;
    if (n === 0) expect(delta.role).toBe("assistant");
    else expect(delta.role).toBeUndefined();
    if (choice.finish_reason !== null) {
      expect(delta).toEqual({});
      out.finishReasons.push(choice.finish_reason);
      return;
    }
    if (delta.content !== undefined) out.content += delta.content;
    if (delta.reasoning_content !== undefined) out.reasoning += delta.reasoning_content;
    for (const call of delta.tool_calls ?? []) {
      const known = out.toolCalls[call.index];
      if (known === undefined) {
        // A new call: the index is the next one, and it comes with id, type and name.
        expect(call.index).toBe(out.toolCalls.length);
        expect(call.id).toMatch(/\S/);
        expect(call.type).toBe("function");
        expect(call.function.name).toMatch(/\S/);
        out.toolCalls[call.index] = { index: call.index, id: call.id!, name: call.function.name!, arguments: call.function.arguments };
      } else {
        expect(call).toEqual({ index: call.index, function: { arguments: call.function.arguments } });
        known.arguments += call.function.arguments;
      }
    }
  });
  return out;
}
