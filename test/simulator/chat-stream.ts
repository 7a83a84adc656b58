/**
 * SSE events of a streaming OCI chat (`chatRequest.isStream: true`).
 *
 * What the real service sends (research notes; sources are other projects' parsers and
 * recorded fixtures, read for facts only):
 * - Response `content-type: text/event-stream`; the SDK (oci-generativeaiinference 2.142
 *   client.js `chat`) returns the raw body stream only when the header equals that string.
 *   Each event is one `data: <json>` line plus a blank line.
 * - Every event carries a `"pad":"aaa…"` field of varying length (length-side-channel padding),
 *   seen in Meta and Cohere captures (langchain4j community OCI GenAI builder doc comment,
 *   Elasticsearch OCI GenAI processor tests, an OCI OpenTelemetry instrumentation fixture).
 * - GENERIC text delta: `{"index":0,"message":{"role":"ASSISTANT","content":[{"type":"TEXT","text":"Hello"}]}}`.
 *   Meta streams start with an empty-text delta.
 * - GENERIC finish event has NO `index`: `{"message":{"role":"ASSISTANT","content":[{"type":"TEXT","text":""}]},"finishReason":"stop"}`.
 *   After tool calls: `{"message":{"role":"ASSISTANT","toolCalls":[{"type":"FUNCTION","arguments":""}]},"finishReason":"tool_calls"}`
 *   (an empty, id-less fragment a client must not treat as a new call).
 * - GENERIC usage is a separate event after the finish event, only with
 *   `streamOptions.isIncludeUsage`: `{"usage":{"completionTokens":8,"promptTokens":41,"totalTokens":49}}`.
 * - `data: [DONE]` ends Meta streams only (DESIGN.md; LiteLLM and Portkey both skip it when present).
 * - GENERIC tool-call streaming (recorded Meta capture): first fragment
 *   `{"type":"FUNCTION","id":"chatcmpl-tool-…","name":"sqrt"}` (no `arguments` key), then
 *   `{"type":"FUNCTION","arguments":"{\"arg0\": \""}` pieces without id/name. LiteLLM fills in
 *   missing id/name/arguments for the same reason. Gemini omits tool-call ids (DESIGN.md);
 *   here it sends one whole fragment (name + full arguments, no id).
 * - Reasoning models stream `message.reasoningContent` deltas (SDK AssistantMessage field) and
 *   report `usage.completionTokensDetails.reasoningTokens` (SDK Usage/CompletionTokensDetails).
 * - COHERE deltas: `{"apiFormat":"COHERE","text":" there"}`; tool calls:
 *   `{"apiFormat":"COHERE","toolCalls":[{"name":"getWeather","parameters":{"city":"Munich"}}]}`;
 *   the final event repeats the WHOLE text with `chatHistory` and `finishReason`
 *   (`COMPLETE`/`MAX_TOKENS`) and, when usage is requested, `usage` inside that event:
 *   `{"apiFormat":"COHERE","text":"Hi there","chatHistory":[…],"finishReason":"COMPLETE","usage":{…}}`.
 *   LiteLLM notes the terminal event also restates tool calls. Cohere streams may stay open
 *   after the final event (DESIGN.md): the simulator keeps the socket open ~30 s.
 */
import type { ChatPlan } from "./chat-plan";
import { cohereHistory, cohereToolCall, usageOf } from "./chat-response";
import { finishReasonFor } from "./vendors";

const PADS = Array.from({ length: 10 }, (_, i) => "a".repeat(i + 1));
export const DONE_EVENT = "data: [DONE]\n\n";

/** All events of the stream, each already framed as `data: …\n\n`. */
export function chatStreamEvents(plan: ChatPlan): string[] {
  return plan.apiFormat === "GENERIC" ? genericEvents(plan) : cohereEvents(plan);
}

function frame(events: string[], payload: Record<string, unknown>): void {
  payload.pad = PADS[(events.length * 7 + 3) % PADS.length];
  events.push(`data: ${JSON.stringify(payload)}\n\n`);
}

function genericEvents(plan: ChatPlan): string[] {
  const events: string[] = [];
  const { profile } = plan;
  const assistant = (extra: Record<string, unknown>) => ({ index: 0, message: { role: "ASSISTANT", ...extra } });

  if (profile.leadingEmptyDelta) frame(events, assistant({ content: [{ type: "TEXT", text: "" }] }));
  for (const piece of plan.reasoningPieces) frame(events, assistant({ reasoningContent: piece }));

  const tc = plan.toolCall;
  if (tc) {
    if (profile.toolCallWhole) {
      const whole: Record<string, unknown> = { type: "FUNCTION" };
      if (tc.id !== undefined) whole.id = tc.id;
      whole.name = tc.name;
      whole.arguments = tc.arguments;
      frame(events, assistant({ toolCalls: [whole] }));
    } else {
      const head: Record<string, unknown> = { type: "FUNCTION" };
      if (tc.id !== undefined) head.id = tc.id;
      head.name = tc.name;
      frame(events, assistant({ toolCalls: [head] }));
      for (const piece of splitArguments(tc.arguments)) frame(events, assistant({ toolCalls: [{ type: "FUNCTION", arguments: piece }] }));
    }
    frame(events, {
      message: { role: "ASSISTANT", toolCalls: [{ type: "FUNCTION", arguments: "" }] },
      finishReason: finishReasonFor(profile, plan.finish),
    });
  } else {
    for (const piece of plan.pieces) frame(events, assistant({ content: [{ type: "TEXT", text: piece }] }));
    frame(events, {
      message: { role: "ASSISTANT", content: [{ type: "TEXT", text: "" }] },
      finishReason: finishReasonFor(profile, plan.finish),
    });
  }
  if (plan.includeUsage) frame(events, { usage: usageOf(plan) });
  if (profile.sendsDone) events.push(DONE_EVENT);
  return events;
}

function cohereEvents(plan: ChatPlan): string[] {
  const events: string[] = [];
  for (const piece of plan.pieces) frame(events, { apiFormat: "COHERE", text: piece });
  if (plan.toolCall) frame(events, { apiFormat: "COHERE", toolCalls: [cohereToolCall(plan)] });
  const final: Record<string, unknown> = {
    apiFormat: "COHERE",
    text: plan.text,
    chatHistory: cohereHistory(plan),
    finishReason: finishReasonFor(plan.profile, plan.finish),
  };
  if (plan.toolCall) final.toolCalls = [cohereToolCall(plan)];
  if (plan.includeUsage) final.usage = usageOf(plan);
  frame(events, final);
  return events;
}

/** Argument JSON in small pieces, like a model emitting tokens. */
function splitArguments(args: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 8) out.push(args.slice(i, i + 8));
  return out.length ? out : [""];
}
