/**
 * Long non-streamed answers on AWS: API Gateway REST streaming closes a response that sends
 * nothing for 5 minutes, and a non-streamed chat sends nothing until OCI has the whole
 * answer. The BUILT chat bundle behind the REST v1 streaming event: past the padding
 * deadline (shortened here with OCIAI_PAD_AFTER_MS) the response is committed as 200 and
 * padded — spaces before JSON, the API's keep-alive before SSE — while answers that come in
 * time keep their exact status. The agent front doors are driven by their official SDKs,
 * whose requests the bundle answers.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { apiGatewayRestEvent, expectInvocationSucceeded, loadLambdaBundle, sseData, type LambdaBundle } from "../harness/lambda-runtime";
import { builtBundle, startServerlessFixture, type ServerlessFixture } from "../harness/serverless-fixture";

const PAD_AFTER_MS = 300;
const PAD_EVERY_MS = 100;
const hi = [{ role: "user", content: "hi" }];

let fx: ServerlessFixture;
let chat: LambdaBundle;

beforeAll(async () => {
  fx = await startServerlessFixture({ settings: { force_non_stream: true, retry_attempts: 1 } });
  chat = loadLambdaBundle(builtBundle("dist/aws/chat/index.js"), {
    env: { ...fx.env, OCIAI_PAD_AFTER_MS: String(PAD_AFTER_MS), OCIAI_PAD_EVERY_MS: String(PAD_EVERY_MS) },
  });
});
afterAll(async () => {
  chat?.dispose();
  await fx?.close();
});
beforeEach(() => fx.resetSims());

const post = (body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${fx.apiKey}`, "Content-Type": "application/json" }) =>
  chat.invokeStreaming(apiGatewayRestEvent({ method: "POST", path: "/v1/chat/completions", headers, body: JSON.stringify(body) }), { timeoutMs: 10_000 });

const slowAccounts = (fault: { latencyMs: number; status?: number }) => {
  for (const sim of fx.sims) sim.setFaults(fault);
};

test("an answer in time is untouched: no padding, its own status", async () => {
  const ok = await post({ model: "grok-4", messages: hi });
  expectInvocationSucceeded(ok);
  expect(ok.statusCode).toBe(200);
  expect(ok.bodyText.startsWith("{")).toBe(true);
  const denied = await post({ model: "grok-4", messages: hi }, { "Content-Type": "application/json" });
  expect(denied.statusCode).toBe(401);
  expect(JSON.parse(denied.bodyText).error.type).toBe("authentication_error");
});

test("a slow non-streamed answer: 200 at the deadline, spaces while OCI works, then the completion (valid JSON)", async () => {
  slowAccounts({ latencyMs: 1_000 });
  const res = await post({ model: "grok-4", messages: hi });
  expectInvocationSucceeded(res);
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  // Bytes flowed before the answer existed, and kept flowing.
  expect(res.timing.firstBodyByteMs!).toBeLessThan(900);
  const padding = /^ +/.exec(res.bodyText)![0];
  expect(padding.length).toBeGreaterThanOrEqual(3);
  const completion = JSON.parse(res.bodyText);
  expect(completion).toMatchObject({ object: "chat.completion", choices: [{ finish_reason: "stop" }] });
});

test("a slow answer that fails after the commit: the OpenAI error object in the body", async () => {
  slowAccounts({ latencyMs: 800, status: 500 });
  const res = await post({ model: "grok-4", messages: hi });
  expectInvocationSucceeded(res);
  expect(res.statusCode).toBe(200); // committed before OCI failed
  expect(res.bodyText.startsWith(" ")).toBe(true);
  expect(JSON.parse(res.bodyText).error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
  // The request log keeps what really happened.
  const line = res.logs.map((l) => l.text).find((text) => text.includes('"msg":"request"'))!;
  expect(JSON.parse(line)).toMatchObject({ status: 502, padded: true });
});

test("force_non_stream with stream: true: keep-alive comments, then the replayed SSE and one [DONE]", async () => {
  slowAccounts({ latencyMs: 800 });
  const res = await post({ model: "grok-4", stream: true, messages: hi });
  expectInvocationSucceeded(res);
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
  expect(res.bodyText.startsWith(": keep-alive\n\n")).toBe(true);
  const data = sseData(res.bodyText);
  expect(data.filter((d) => d === "[DONE]")).toHaveLength(1);
  expect(data.slice(0, -1).map((d) => JSON.parse(d).object)).toEqual(expect.arrayContaining(["chat.completion.chunk"]));
});

test("a slow SSE answer that fails after the commit ends with an error event and no [DONE]", async () => {
  slowAccounts({ latencyMs: 800, status: 500 });
  const res = await post({ model: "grok-4", stream: true, messages: hi });
  expectInvocationSucceeded(res);
  const data = sseData(res.bodyText);
  expect(data).not.toContain("[DONE]");
  expect(JSON.parse(data[data.length - 1]).error).toMatchObject({ message: expect.any(String) });
});

describe("the agent front doors pad and fail in their own API's shape", () => {
  /** The body of the last answer the SDKs got, padding and all. */
  let lastBody = "";
  /** fetch for the official SDKs: each request is one REST streaming invocation of the bundle. */
  const viaLambda = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const res = await chat.invokeStreaming(
      apiGatewayRestEvent({ method: init?.method ?? "GET", path: url.pathname + url.search, headers, body: String(init?.body ?? "") }),
      { timeoutMs: 10_000 },
    );
    expectInvocationSucceeded(res);
    lastBody = res.bodyText;
    return new Response(res.bodyText, { status: res.statusCode, headers: res.headers });
  };
  const anthropic = () => new Anthropic({ apiKey: fx.apiKey, baseURL: "https://gateway.example", fetch: viaLambda, maxRetries: 0 });
  const openai = () => new OpenAI({ apiKey: fx.apiKey, baseURL: "https://gateway.example/v1", fetch: viaLambda, maxRetries: 0 });
  const ask = { model: "grok-4", max_tokens: 64, messages: [{ role: "user" as const, content: "hi" }] };

  test("Messages stream: `ping`s while OCI works, then a stream the SDK's finalMessage() reads", async () => {
    slowAccounts({ latencyMs: 800 });
    const message = await anthropic().messages.stream(ask).finalMessage();
    expect(message).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn" });
    expect(message.content[0]).toMatchObject({ type: "text", text: expect.any(String) });
    expect(lastBody.startsWith('event: ping\ndata: {"type":"ping"}\n\n')).toBe(true);
    expect(lastBody.indexOf("event: message_start")).toBeGreaterThan(0);
  });

  test("Messages stream failing after the commit: an Anthropic `error` event, raised by the SDK as its APIError", async () => {
    slowAccounts({ latencyMs: 800, status: 500 });
    const error = await anthropic()
      .messages.stream(ask)
      .finalMessage()
      .then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ type: "api_error", error: { type: "error", error: { type: "api_error" } } });
    expect(lastBody.startsWith("event: ping\n")).toBe(true);
    expect(lastBody).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"OCI failed[^\n]*\n\n$/);
  });

  test("Messages without stream failing after the commit: spaces, then Anthropic's error object", async () => {
    slowAccounts({ latencyMs: 800, status: 500 });
    const res = await chat.invokeStreaming(
      apiGatewayRestEvent({ method: "POST", path: "/v1/messages", headers: { "x-api-key": fx.apiKey, "content-type": "application/json" }, body: JSON.stringify(ask) }),
      { timeoutMs: 10_000 },
    );
    expectInvocationSucceeded(res);
    expect(res.statusCode).toBe(200);
    expect(res.bodyText.startsWith(" ")).toBe(true);
    expect(JSON.parse(res.bodyText)).toEqual({ type: "error", error: { type: "api_error", message: expect.stringMatching(/^OCI failed/) } });
  });

  test("Responses stream: keep-alive comments, then events the SDK's stream helper accepts", async () => {
    slowAccounts({ latencyMs: 800 });
    const response = await openai().responses.stream({ model: "grok-4", input: "hi", store: false }).finalResponse();
    expect(response).toMatchObject({ object: "response", status: "completed" });
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(lastBody.startsWith(": keep-alive\n\n")).toBe(true);
  });

  test("Responses stream failing after the commit: response.created, then response.failed carrying the error", async () => {
    slowAccounts({ latencyMs: 800, status: 500 });
    const events: Array<{ type: string; sequence_number: number; response?: unknown }> = [];
    for await (const event of await openai().responses.create({ model: "grok-4", input: "hi", store: false, stream: true })) events.push(event);
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.in_progress", "response.failed"]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2]);
    expect(events[2].response).toMatchObject({ status: "failed", error: { code: "upstream_error", message: expect.stringMatching(/^OCI failed/) } });
  });
});
