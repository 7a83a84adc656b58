/**
 * Every recorded OCI stream (GENERIC with and without tool-call ids, COHERE's restated
 * final text, reasoning) through both new front doors: the canonical chunks go through
 * the Responses and Messages writers, and the resulting events are accumulated by the
 * official SDKs' own stream helpers (openai's ResponseStream, Anthropic's MessageStream),
 * which reject events out of order. What they build must be the whole answer, once.
 */
import { createParser } from "eventsource-parser";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { ResponseStream } from "openai/lib/responses/ResponseStream";
import { MessagesEventWriter } from "../../shared/anthropic/messages-event-writer";
import type { ChatCompletionChunk } from "../../shared/openai/chat-types";
import type { ResponseContext } from "../../shared/responses/response-envelope";
import { ResponsesEventWriter } from "../../shared/responses/responses-event-writer";
import { STREAM_CASES, type StreamCase } from "./stream-cases";
import { replay } from "./stream-fixture";

interface WireEvent {
  event: string;
  data: Record<string, any>;
}

/** Splits SSE text with the real parser; every event must name its type twice, alike. */
function parseEvents(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  createParser({ onEvent: (e) => events.push({ event: e.event ?? "", data: JSON.parse(e.data) }) }).feed(text);
  for (const e of events) expect(e.event).toBe(e.data.type);
  return events;
}

/** The events as the NDJSON body the SDK helpers' fromReadableStream read. */
function ndjson(events: WireEvent[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(events.map((e) => JSON.stringify(e.data)).join("\n") + "\n");
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

const ctx: ResponseContext = { id: "resp_test", createdAt: 1_700_000_000, request: { model: "client-model", input: "hi" }, tools: [], store: false };

function responsesText(chunks: ChatCompletionChunk[], usage: Parameters<ResponsesEventWriter["finish"]>[0]): string {
  const writer = new ResponsesEventWriter(ctx);
  let text = writer.start();
  for (const chunk of chunks) text += writer.push(chunk);
  return text + writer.finish(usage).events;
}

function messagesText(chunks: ChatCompletionChunk[], usage: Parameters<MessagesEventWriter["finish"]>[0]): string {
  const writer = new MessagesEventWriter({ id: "msg_test", model: "client-model" });
  let text = writer.start();
  for (const chunk of chunks) text += writer.push(chunk);
  return text + writer.finish(usage).events;
}

describe.each(STREAM_CASES)("$fixture", (expected: StreamCase) => {
  const { chunks, translator } = replay(expected.fixture, expected.format, true);
  const calls = (expected.toolCalls ?? []).map((c) => ({ name: c.name, args: c.args }));

  test("as Responses events: numbered in order, accepted by openai's ResponseStream, the whole answer once", async () => {
    const events = parseEvents(responsesText(chunks, translator.usage));
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.slice(0, 2).map((e) => e.event)).toEqual(["response.created", "response.in_progress"]);
    const terminal = events[events.length - 1];
    expect(terminal.event).toBe(expected.finish === "length" ? "response.incomplete" : "response.completed");
    expect(events.filter((e) => e.event.startsWith("response.") && e.data.response).length).toBe(3);

    const final = await ResponseStream.fromReadableStream(ndjson(events)).finalResponse();
    expect(final.output_text).toBe(expected.content);
    const reasoning = final.output.filter((item) => item.type === "reasoning").flatMap((item) => item.summary.map((s) => s.text));
    expect(reasoning.join("")).toBe(expected.reasoning ?? "");
    const fnCalls = final.output.filter((item) => item.type === "function_call");
    expect(fnCalls.map((c) => ({ name: c.name, args: JSON.parse(c.arguments) }))).toEqual(calls);
    expect(new Set(fnCalls.map((c) => c.call_id)).size).toBe(fnCalls.length);
    // Codex builds its output from output_item.done alone: those items are the whole answer.
    const doneItems = events.filter((e) => e.event === "response.output_item.done").map((e) => e.data.item);
    expect(doneItems).toEqual(terminal.data.response.output);
    expect(terminal.data.response.usage).toEqual({
      input_tokens: expected.usage.prompt_tokens,
      input_tokens_details: { cached_tokens: expected.usage.prompt_tokens_details?.cached_tokens ?? 0 },
      output_tokens: expected.usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: expected.usage.completion_tokens_details?.reasoning_tokens ?? 0 },
      total_tokens: expected.usage.total_tokens,
    });
    if (expected.finish === "length") expect(terminal.data.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  test("as Messages events: accepted by Anthropic's MessageStream, the whole answer once", async () => {
    const events = parseEvents(messagesText(chunks, translator.usage));
    expect(events[0].event).toBe("message_start");
    expect(events.slice(-2).map((e) => e.event)).toEqual(["message_delta", "message_stop"]);
    // Blocks open and close in order, one at a time.
    let open: number | undefined;
    for (const { event, data } of events) {
      if (event === "content_block_start") {
        expect(open).toBeUndefined();
        open = data.index;
      } else if (event === "content_block_delta") expect(data.index).toBe(open);
      else if (event === "content_block_stop") {
        expect(data.index).toBe(open);
        open = undefined;
      }
    }

    const final = await MessageStream.fromReadableStream(ndjson(events)).finalMessage();
    const text = final.content.filter((b) => b.type === "text").map((b) => b.text).join("");
    expect(text).toBe(expected.content);
    const thinking = final.content.filter((b) => b.type === "thinking").map((b) => b.thinking).join("");
    expect(thinking).toBe(expected.reasoning ?? "");
    const uses = final.content.filter((b) => b.type === "tool_use");
    expect(uses.map((b) => ({ name: b.name, args: b.input }))).toEqual(calls);
    for (const use of uses) expect(use.id).toMatch(/^toolu_/);
    expect(final.stop_reason).toBe({ stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" }[expected.finish]);
    const cached = expected.usage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(final.usage.input_tokens + (final.usage.cache_read_input_tokens ?? 0)).toBe(expected.usage.prompt_tokens);
    expect(final.usage.cache_read_input_tokens ?? 0).toBe(cached);
    expect(final.usage.output_tokens).toBe(expected.usage.completion_tokens);
  });
});

describe("ending a stream that broke", () => {
  const { chunks } = replay("xai-text-usage-after-finish.chunks.txt", "GENERIC", true);
  const started = chunks.slice(0, 2);

  test("Responses: the open item is closed and response.failed carries the error", () => {
    const writer = new ResponsesEventWriter(ctx);
    let text = writer.start();
    for (const chunk of started) text += writer.push(chunk);
    const events = parseEvents(text + writer.fail("upstream_error", "OCI stream broke"));
    const last = events[events.length - 1];
    expect(last.event).toBe("response.failed");
    expect(last.data.response).toMatchObject({ status: "failed", error: { code: "upstream_error", message: "OCI stream broke" } });
    expect(last.data.response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(events.map((e) => e.event)).toContain("response.output_item.done");
  });

  test("Messages: Anthropic's in-band error event", () => {
    const writer = new MessagesEventWriter({ id: "msg_test", model: "client-model" });
    let text = writer.start();
    for (const chunk of started) text += writer.push(chunk);
    const events = parseEvents(text + writer.fail("api_error", "OCI stream broke"));
    expect(events[events.length - 1].data).toEqual({ type: "error", error: { type: "api_error", message: "OCI stream broke" } });
  });
});
