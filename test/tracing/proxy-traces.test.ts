/**
 * Traces from the real proxy (startStack: the CLI's server, two accounts on OCI simulators)
 * to a local OTLP/HTTP receiver, with OTEL_* set as a user would: the official clients'
 * requests become server spans (parented by their `traceparent`) with a client span per
 * upstream attempt, GenAI attributes and token counts, no prompt or key anywhere, and
 * spans still queued at shutdown are exported before the proxy stops.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Stack } from "../helpers/stack";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver";
import { TEST_MODELS } from "../helpers/write-config";
import { startPoolStack } from "../pool/pool-stack";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";
const SECRET_PROMPT = "the launch code is 0000-tangerine";
const OTEL = {
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_SERVICE_NAME: "ociai-proxy-test",
  // Long enough that nothing is exported on its own during a test: flush/shutdown must do it.
  OTEL_BSP_SCHEDULE_DELAY: "60000",
};

let receiver: OtlpReceiver;
let stack: Stack;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(process.env, OTEL, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  try {
    stack = await startPoolStack({ accounts: 2, models: { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" }, settings: { retry_attempts: 2 } });
  } finally {
    for (const name of [...Object.keys(OTEL), "OTEL_EXPORTER_OTLP_ENDPOINT"]) delete process.env[name];
  }
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const servers = (spans: ReceivedSpan[]) => spans.filter((s) => s.kind === 2);
const attemptsOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((s) => s.kind === 3 && s.parentSpanId === parent.spanId).sort((a, b) => Number(a.attributes["ociai.attempt"]) - Number(b.attributes["ociai.attempt"]));

test("each request is a server span under the client's traceparent, with a client span per attempt; shutdown exports them", async () => {
  const client = stack.client();
  // acct1 is picked first (round robin on a fresh pool) and answers 429 once: failover to acct2.
  stack.sims[0].setFaults({ status: 429, retryAfterSeconds: 0, times: 1 });
  const completion = await client.chat.completions.create(
    { model: "grok-4", messages: [{ role: "user", content: SECRET_PROMPT }], max_tokens: 16 },
    { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } },
  );
  const anthropic = new Anthropic({ baseURL: stack.proxy.url, apiKey: stack.apiKey, maxRetries: 0 });
  const message = await anthropic.messages.stream({ model: "llama-3.3-70b", max_tokens: 16, messages: [{ role: "user", content: SECRET_PROMPT }] }).finalMessage();
  await client.embeddings.create({ model: "embed-english", input: SECRET_PROMPT });
  await anthropic.messages.countTokens({ model: "grok-4", messages: [{ role: "user", content: "hi" }] });
  // Nothing went out yet (the batch delay is a minute): stopping the proxy exports it all.
  expect(receiver.spans).toEqual([]);
  await stack.close();
  const spans = await receiver.waitForSpans(7);

  const [chat, messages, embeddings, ...others] = servers(spans).sort((a, b) => a.startMs - b.startMs);
  // count_tokens calls no model: no span.
  expect(others).toEqual([]);
  expect(chat).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN, name: "chat grok-4", statusCode: 0 });
  expect(chat.resource["service.name"]).toBe("ociai-proxy-test");
  expect(chat.attributes).toMatchObject({
    "http.request.method": "POST",
    "http.route": "/v1/chat/completions",
    "http.response.status_code": 200,
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "oci.generative_ai",
    "gen_ai.request.model": "grok-4",
    "gen_ai.response.model": "xai.grok-4",
    "gen_ai.usage.input_tokens": completion.usage!.prompt_tokens,
    "gen_ai.usage.output_tokens": completion.usage!.completion_tokens,
    "gen_ai.response.finish_reasons": [completion.choices[0].finish_reason],
    "ociai.account.id": "acct2",
    "ociai.attempts": 2,
  });
  const simPort = (i: number) => Number(new URL(stack.sims[i].url).port);
  expect(attemptsOf(spans, chat).map((a) => a.attributes)).toEqual([
    expect.objectContaining({ "ociai.account.id": "acct1", "ociai.attempt": 1, "ociai.upstream.outcome": "rate_limited", "http.response.status_code": 429, "error.type": "rate_limited", "server.address": "127.0.0.1", "server.port": simPort(0) }),
    expect.objectContaining({ "ociai.account.id": "acct2", "ociai.attempt": 2, "ociai.upstream.outcome": "ok", "http.response.status_code": 200, "gen_ai.request.model": "xai.grok-4", "server.port": simPort(1) }),
  ]);
  expect(attemptsOf(spans, chat).every((a) => a.traceId === CLIENT_TRACE && a.startMs >= chat.startMs && a.endMs <= chat.endMs)).toBe(true);

  // A stream through the Messages door: a new trace, its first chunk's time, its tokens.
  expect(messages.parentSpanId).toBe("");
  expect(messages.attributes).toMatchObject({
    "http.route": "/v1/messages",
    "gen_ai.request.model": "llama-3.3-70b",
    "gen_ai.usage.input_tokens": message.usage.input_tokens,
    "gen_ai.usage.output_tokens": message.usage.output_tokens,
    "gen_ai.response.finish_reasons": ["stop"],
  });
  const ttft = Number(messages.attributes["gen_ai.response.time_to_first_chunk"]);
  expect(ttft).toBeGreaterThan(0);
  expect(ttft).toBeLessThanOrEqual((messages.endMs - messages.startMs) / 1000 + 0.001);
  expect(attemptsOf(spans, messages)).toHaveLength(1);

  expect(embeddings.attributes).toMatchObject({ "gen_ai.operation.name": "embeddings", "gen_ai.request.model": "embed-english", "http.route": "/v1/embeddings" });
  expect(attemptsOf(spans, embeddings)).toHaveLength(1);

  // Never the prompt, the completion or the key.
  const exported = JSON.stringify(spans);
  expect(exported).not.toContain("launch code");
  expect(exported).not.toContain(completion.choices[0].message.content!.slice(0, 20));
  expect(exported).not.toContain(stack.apiKey);
});
