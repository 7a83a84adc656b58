/**
 * The OCI simulator against the real oci-generativeaiinference SDK (signing, retries off,
 * breaker off) plus hand-signed fetches for what the SDK hides (headers, tampering, raw SSE).
 */
import * as common from "oci-common";
import { GenerativeAiInferenceClient } from "oci-generativeaiinference";
import {
  generateTestAccount,
  keyFingerprint,
  keyIdOf,
  signRequestHeaders,
  startSimulator,
  type FaultPlan,
  type OciSimulator,
} from "./simulator";

common.CircuitBreaker.EnableGlobalCircuitBreaker = false;

const owner = generateTestAccount();
const stranger = generateTestAccount();
const COMPARTMENT = owner.account.tenancy;
const keyId = keyIdOf(owner.account);

let sim: OciSimulator;
const clients: GenerativeAiInferenceClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ accounts: [owner.account] });
  // The SDK's retrier logs every error response with console.warn; keep the output readable.
  const warn = console.warn;
  jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (!/retr/i.test(String(args[0]))) warn(...args);
  });
});
afterEach(() => sim.setFaults(null));
afterAll(async () => {
  jest.restoreAllMocks();
  for (const c of clients) c.close();
  await sim.close();
});

function sdk(target: OciSimulator = sim, privateKeyPem = owner.privateKeyPem): GenerativeAiInferenceClient {
  const { tenancy, user, fingerprint } = owner.account;
  const provider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, privateKeyPem, null, common.Region.US_CHICAGO_1);
  const client = new GenerativeAiInferenceClient(
    { authenticationDetailsProvider: provider },
    { retryConfiguration: common.NoRetryConfigurationDetails },
  );
  client.endpoint = target.url;
  clients.push(client);
  return client;
}

const generic = (modelId: string, chatRequest: Record<string, unknown> = {}) => ({
  compartmentId: COMPARTMENT,
  servingMode: { servingType: "ON_DEMAND", modelId },
  chatRequest: {
    apiFormat: "GENERIC",
    messages: [{ role: "USER", content: [{ type: "TEXT", text: "What is the capital of France?" }] }],
    ...chatRequest,
  },
});

const cohere = (modelId: string, chatRequest: Record<string, unknown> = {}) => ({
  compartmentId: COMPARTMENT,
  servingMode: { servingType: "ON_DEMAND", modelId },
  chatRequest: { apiFormat: "COHERE", message: "What is the capital of France?", ...chatRequest },
});

async function chat(details: object, client = sdk()): Promise<any> {
  return client.chat({ chatDetails: details as any });
}

async function expectOciError(p: Promise<unknown>, statusCode: number, serviceCode: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ statusCode, serviceCode });
}

/** Hand-signed fetch (the SDK hides response headers). */
function signedFetch(
  target: OciSimulator,
  path: string,
  body?: unknown,
  opts: { sendBody?: string; rawBody?: string; privateKey?: string; date?: Date; useDate?: boolean } = {},
) {
  const url = target.url + path;
  const method = body === undefined && opts.rawBody === undefined ? "GET" : "POST";
  const text = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const headers = signRequestHeaders(method, url, text, {
    keyId,
    privateKey: opts.privateKey ?? owner.privateKeyPem,
    date: opts.date,
    useDate: opts.useDate,
  });
  return fetch(url, { method, headers, body: opts.sendBody ?? text });
}

interface StreamRead {
  events: string[];
  ended: boolean;
  error?: unknown;
}

/** Reads SSE `data:` payloads until the stream ends, errors, or `stop` says so. */
async function readSse(stream: ReadableStream<Uint8Array>, stop?: (data: string) => boolean): Promise<StreamRead & { reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  let buf = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { events, ended: true, reader };
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        for (const line of block.split("\n")) {
          if (!line.startsWith("data: ")) continue;
          const data = line.slice(6);
          events.push(data);
          if (stop?.(data)) return { events, ended: false, reader };
        }
      }
    }
  } catch (error) {
    return { events, ended: false, error, reader };
  }
}

const parse = (events: string[]) => events.filter((e) => e !== "[DONE]").map((e) => JSON.parse(e));

describe("signatures", () => {
  test("a correctly signed GENERIC chat succeeds through the SDK", async () => {
    const res = await chat(generic("xai.grok-3", { maxTokens: 100 }));
    const r = res.chatResult;
    expect(r.modelId).toBe("xai.grok-3");
    expect(r.chatResponse.apiFormat).toBe("GENERIC");
    const choice = r.chatResponse.choices[0];
    expect(choice.finishReason).toBe("stop");
    expect(choice.message.role).toBe("ASSISTANT");
    expect(choice.message.content[0].text).toContain('Simulated answer from xai.grok-3 to: "What is the capital of France?"');
    expect(r.chatResponse.usage.totalTokens).toBe(r.chatResponse.usage.promptTokens + r.chatResponse.usage.completionTokens);
    expect(res.opcRequestId).toBeTruthy();
    expect(sim.lastRequest()?.body.compartmentId).toBe(COMPARTMENT);
    expect(sim.lastRequest()?.headers["x-date"]).toBeDefined();
  });

  test("a correctly signed COHERE chat succeeds through the SDK", async () => {
    const res = await chat(cohere("cohere.command-a-03-2025"));
    const r = res.chatResult.chatResponse;
    expect(r.apiFormat).toBe("COHERE");
    expect(r.finishReason).toBe("COMPLETE");
    expect(r.text).toContain("Simulated answer from cohere.command-a-03-2025");
    expect(r.chatHistory.map((m: any) => m.role)).toEqual(["USER", "CHATBOT"]);
  });

  test("a request signed with another private key is 401 NotAuthenticated", async () => {
    const before = sim.stats().rejectedSignature;
    await expectOciError(chat(generic("xai.grok-3"), sdk(sim, stranger.privateKeyPem)), 401, "NotAuthenticated");
    expect(sim.stats().rejectedSignature).toBe(before + 1);
  });

  test("a tampered body (x-content-sha256 mismatch) is 401 with opc-request-id", async () => {
    const body = generic("xai.grok-3");
    const tampered = JSON.stringify(body).replace("France", "Norway");
    const res = await signedFetch(sim, "/20231130/actions/chat", body, { sendBody: tampered });
    expect(res.status).toBe(401);
    expect(res.headers.get("opc-request-id")).toBeTruthy();
    expect(await res.json()).toMatchObject({ code: "NotAuthenticated" });
  });

  test("`date` is accepted instead of `x-date`; clock skew over 5 minutes is not", async () => {
    const ok = await signedFetch(sim, "/20231130/actions/chat", generic("meta.llama-3.3-70b-instruct"), { useDate: true });
    expect(ok.status).toBe(200);
    const skewed = await signedFetch(sim, "/20231130/actions/chat", generic("meta.llama-3.3-70b-instruct"), {
      date: new Date(Date.now() - 6 * 60_000),
    });
    expect(skewed.status).toBe(401);
  });

  test("unsigned requests and unknown keyIds are rejected", async () => {
    const res = await fetch(`${sim.url}/20231130/models?compartmentId=x`);
    expect(res.status).toBe(401);
    expect(keyFingerprint(owner.account.publicKeyPem)).toBe(owner.account.fingerprint);
    expect(owner.account.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });
});

describe("chat content", () => {
  test("GENERIC tool call: named tool, sample arguments, finishReason tool_calls", async () => {
    const tools = [
      { type: "FUNCTION", name: "other", parameters: { type: "object", properties: {} } },
      {
        type: "FUNCTION",
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" }, metric: { type: "boolean" } } },
      },
    ];
    const res = await chat(generic("meta.llama-3.3-70b-instruct", { tools, toolChoice: { type: "FUNCTION", name: "get_weather" } }));
    const choice = res.chatResult.chatResponse.choices[0];
    expect(choice.finishReason).toBe("tool_calls");
    const call = choice.message.toolCalls[0];
    expect(call).toMatchObject({ type: "FUNCTION", name: "get_weather" });
    expect(call.id).toMatch(/^chatcmpl-tool-/);
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris", days: 1, metric: true });
  });

  test("after a TOOL message the answer includes the tool result; Gemini omits tool-call ids and says STOP", async () => {
    const res = await chat(
      generic("google.gemini-2.5-flash", {
        tools: [{ type: "FUNCTION", name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }],
        messages: [
          { role: "USER", content: [{ type: "TEXT", text: "Weather?" }] },
          { role: "ASSISTANT", toolCalls: [{ id: "t1", type: "FUNCTION", name: "lookup", arguments: "{}" }] },
          { role: "TOOL", toolCallId: "t1", content: [{ type: "TEXT", text: "22 degrees and sunny" }] },
        ],
      }),
    );
    const choice = res.chatResult.chatResponse.choices[0];
    expect(choice.message.content[0].text).toContain("22 degrees and sunny");
    expect(choice.finishReason).toBe("STOP");

    const tool = await chat(
      generic("google.gemini-2.5-flash", {
        tools: [{ type: "FUNCTION", name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }],
      }),
    );
    const call = tool.chatResult.chatResponse.choices[0].message.toolCalls[0];
    expect(call.id).toBeUndefined();
    expect(call.name).toBe("lookup");
    expect(tool.chatResult.chatResponse.choices[0].finishReason).toBe("TOOL_CALLS");
  });

  test("COHERE tool call and tool results", async () => {
    const tools = [{ name: "get_weather", description: "w", parameterDefinitions: { city: { type: "str", isRequired: true } } }];
    const call = await chat(cohere("cohere.command-r-plus-08-2024", { tools }));
    expect(call.chatResult.chatResponse.toolCalls).toEqual([{ name: "get_weather", parameters: { city: "Paris" } }]);
    const answer = await chat(
      cohere("cohere.command-r-plus-08-2024", {
        tools,
        toolResults: [{ call: { name: "get_weather", parameters: { city: "Paris" } }, outputs: [{ temp: "22C" }] }],
      }),
    );
    expect(answer.chatResult.chatResponse.toolCalls).toBeUndefined();
    expect(answer.chatResult.chatResponse.text).toContain("22C");
  });

  test("images, JSON mode, maxTokens truncation and reasoning usage", async () => {
    const img = await chat(
      generic("meta.llama-3.3-70b-instruct", {
        messages: [{ role: "USER", content: [{ type: "TEXT", text: "What is this?" }, { type: "IMAGE", imageUrl: { url: "data:image/png;base64,AAAA" } }] }],
      }),
    );
    expect(img.chatResult.chatResponse.choices[0].message.content[0].text).toContain("I see 1 image");

    const json = await chat(generic("xai.grok-3", { responseFormat: { type: "JSON_OBJECT" } }));
    expect(JSON.parse(json.chatResult.chatResponse.choices[0].message.content[0].text)).toHaveProperty("answer");

    const cut = await chat(generic("xai.grok-3", { maxTokens: 3 }));
    const choice = cut.chatResult.chatResponse.choices[0];
    expect(choice.finishReason).toBe("length");
    expect(choice.message.content[0].text.split(" ")).toHaveLength(3);
    const cutCohere = await chat(cohere("cohere.command-a-03-2025", { maxTokens: 2 }));
    expect(cutCohere.chatResult.chatResponse.finishReason).toBe("MAX_TOKENS");

    const mini = await chat(generic("xai.grok-3-mini"));
    const r = mini.chatResult.chatResponse;
    expect(r.choices[0].message.reasoningContent).toBeTruthy();
    expect(r.usage.completionTokensDetails.reasoningTokens).toBeGreaterThan(0);
  });

  test("DEDICATED serving mode answers with the endpoint id as model", async () => {
    const res = await chat({
      compartmentId: COMPARTMENT,
      servingMode: { servingType: "DEDICATED", endpointId: "ocid1.generativeaiendpoint.oc1..sim" },
      chatRequest: { apiFormat: "GENERIC", messages: [{ role: "USER", content: [{ type: "TEXT", text: "hi" }] }] },
    });
    expect(res.chatResult.modelId).toBe("ocid1.generativeaiendpoint.oc1..sim");
  });

  test("invalid requests: 400 InvalidParameter, unknown models 404 NotAuthorizedOrNotFound", async () => {
    await expectOciError(chat(generic("cohere.command-a-03-2025")), 400, "InvalidParameter");
    await expectOciError(chat(cohere("xai.grok-3")), 400, "InvalidParameter");
    await expectOciError(chat(generic("test.invalid-params")), 400, "InvalidParameter");
    await expectOciError(chat(generic("xai.grok-3", { maxTokens: 0 })), 400, "InvalidParameter");
    await expectOciError(chat(generic("acme.unknown-model")), 404, "NotAuthorizedOrNotFound");
    const bad = await signedFetch(sim, "/20231130/actions/chat", undefined, { rawBody: "{not json}" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "InvalidParameter" });
    const nowhere = await signedFetch(sim, "/20231130/nowhere", { a: 1 });
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toEqual({ code: "NotAuthorizedOrNotFound", message: "Authorization failed or requested resource not found." });
  });
});

describe("streams", () => {
  test("the SDK returns an SSE ReadableStream; meta ends with [DONE], usage only when asked", async () => {
    const stream = await chat(generic("meta.llama-3.3-70b-instruct", { isStream: true, streamOptions: { isIncludeUsage: true } }));
    expect(typeof stream.getReader).toBe("function");
    const { events, ended } = await readSse(stream);
    expect(ended).toBe(true);
    expect(events.at(-1)).toBe("[DONE]");
    const parsed = parse(events);
    expect(parsed[0]).toMatchObject({ index: 0, message: { role: "ASSISTANT", content: [{ type: "TEXT", text: "" }] } });
    const finishAt = parsed.findIndex((e) => e.finishReason);
    expect(parsed[finishAt]).toMatchObject({ finishReason: "stop", message: { role: "ASSISTANT" } });
    expect(parsed[finishAt + 1].usage.totalTokens).toBeGreaterThan(0);
    const text = parsed.slice(0, finishAt).map((e) => e.message.content[0].text).join("");
    expect(text).toContain("Simulated answer from meta.llama-3.3-70b-instruct");
  });

  test("xai streams have no [DONE] and no usage unless isIncludeUsage; reasoning streams first", async () => {
    const { events, ended } = await readSse(await chat(generic("xai.grok-3-mini", { isStream: true })));
    expect(ended).toBe(true);
    expect(events).not.toContain("[DONE]");
    const parsed = parse(events);
    expect(parsed.some((e) => e.usage)).toBe(false);
    expect(parsed[0].message.reasoningContent).toBeTruthy();
    expect(parsed.at(-1).finishReason).toBe("stop");
  });

  test("tool-call fragments: first has id+name, later only arguments", async () => {
    const tools = [{ type: "FUNCTION", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }];
    const parsed = parse((await readSse(await chat(generic("xai.grok-4", { isStream: true, tools })))).events);
    const fragments = parsed.filter((e) => e.message?.toolCalls && !e.finishReason).map((e) => e.message.toolCalls[0]);
    expect(fragments[0]).toMatchObject({ type: "FUNCTION", name: "get_weather" });
    expect(fragments[0].id).toMatch(/^call_/);
    for (const f of fragments.slice(1)) expect(Object.keys(f).sort()).toEqual(["arguments", "type"]);
    expect(JSON.parse(fragments.slice(1).map((f) => f.arguments).join(""))).toEqual({ city: "Paris" });
    expect(parsed.at(-1).finishReason).toBe("tool_calls");
  });

  test("cohere: deltas, a final event repeating the text, and the stream stays open", async () => {
    const local = await startSimulator({ accounts: [owner.account] });
    try {
      const stream = await chat(cohere("cohere.command-a-03-2025", { isStream: true, streamOptions: { isIncludeUsage: true } }), sdk(local));
      const { events, ended, reader } = await readSse(stream, (d) => d.includes('"finishReason"'));
      expect(ended).toBe(false);
      const parsed = parse(events);
      const final = parsed.at(-1);
      const deltas = parsed.slice(0, -1).map((e) => e.text).join("");
      expect(final).toMatchObject({ apiFormat: "COHERE", finishReason: "COMPLETE", text: deltas });
      expect(final.usage.totalTokens).toBeGreaterThan(0);
      expect(final.chatHistory).toHaveLength(2);
      const pending = reader.read().then(
        (r) => (r.done ? "ended" : "data"),
        () => "error",
      );
      const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r("still open"), 300))]);
      expect(outcome).toBe("still open");
      await local.close();
      expect(await pending).not.toBe("data");
    } finally {
      await local.close();
    }
  });
});

describe("faults", () => {
  test("429 with Retry-After (raw fetch), applied `times` times", async () => {
    sim.setFaults({ status: 429, retryAfterSeconds: 7, times: 1 });
    const res = await signedFetch(sim, "/20231130/actions/chat", generic("xai.grok-3"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("opc-request-id")).toBeTruthy();
    expect(await res.json()).toMatchObject({ code: "TooManyRequests" });
    expect((await signedFetch(sim, "/20231130/actions/chat", generic("xai.grok-3"))).status).toBe(200);
  });

  test("signature failures win over status faults", async () => {
    sim.setFaults({ status: 500 });
    await expectOciError(chat(generic("xai.grok-3"), sdk(sim, stranger.privateKeyPem)), 401, "NotAuthenticated");
    await expectOciError(chat(generic("xai.grok-3")), 500, "InternalServerError");
  });

  test("latency delays the response", async () => {
    sim.setFaults({ latencyMs: 150, times: 1 });
    const t0 = Date.now();
    await chat(generic("xai.grok-3"));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  test("dropAfterEvents ends the stream early without a finish event", async () => {
    sim.setFaults({ dropAfterEvents: 2, interChunkMs: 5, times: 1 });
    const { events, ended, error } = await readSse(await chat(generic("xai.grok-3", { isStream: true })));
    expect(events).toHaveLength(2);
    expect(ended && error === undefined).toBe(false);
    expect(parse(events).some((e) => e.finishReason)).toBe(false);
  });

  test("hangAfterEvents keeps the socket open until close()", async () => {
    const local = await startSimulator({ accounts: [owner.account] });
    local.setFaults({ hangAfterEvents: 1, ttftMs: 5 });
    const stream = await chat(generic("xai.grok-3", { isStream: true }), sdk(local));
    const { events, reader } = await readSse(stream, () => true);
    expect(events).toHaveLength(1);
    const pending = reader.read().then(
      () => "settled",
      () => "settled",
    );
    expect(await Promise.race([pending, new Promise((r) => setTimeout(() => r("open"), 100))])).toBe("open");
    await local.close();
    expect(await pending).toBe("settled");
  });

  test("maxConcurrency answers the excess with 429 and Retry-After: 1", async () => {
    const local = await startSimulator({ accounts: [owner.account], maxConcurrency: 2 });
    try {
      local.setFaults({ latencyMs: 200 });
      const responses = await Promise.all([1, 2, 3, 4].map(() => signedFetch(local, "/20231130/actions/chat", generic("xai.grok-3"))));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429]);
      for (const r of responses.filter((x) => x.status === 429)) expect(r.headers.get("retry-after")).toBe("1");
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      const stats = local.stats();
      expect(stats).toMatchObject({ rejectedConcurrency: 2, maxInFlight: 2, inFlight: 0, requests: 4 });
    } finally {
      await local.close();
    }
  });

  test("HTTP control endpoint: faults, stats, reset", async () => {
    const plan: FaultPlan = { status: 503, retryAfterSeconds: 2, times: 1 };
    expect((await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify(plan) })).status).toBe(200);
    await expectOciError(chat(generic("xai.grok-3")), 503, "ServiceUnavailable");
    const stats = await (await fetch(`${sim.url}/__sim/stats`)).json();
    expect(stats.byPath["/20231130/actions/chat"]).toBeGreaterThan(0);
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    expect(sim.stats().requests).toBe(0);
  });
});

describe("embedText and models", () => {
  test("embedText via the SDK; more than 96 inputs is 400", async () => {
    const client = sdk();
    const details = (inputs: string[]) => ({
      embedTextDetails: { inputs, compartmentId: COMPARTMENT, servingMode: { servingType: "ON_DEMAND", modelId: "cohere.embed-english-v3.0" } as any },
    });
    const res = await client.embedText(details(["hello", "world"]));
    expect(res.embedTextResult.embeddings).toHaveLength(2);
    expect(res.embedTextResult.embeddings[0].length).toBeGreaterThan(0);
    await expectOciError(client.embedText(details(Array.from({ length: 97 }, (_, i) => `t${i}`))), 400, "InvalidParameter");
  });

  test("GET /models lists the fixed model set", async () => {
    const res = await signedFetch(sim, `/20231130/models?compartmentId=${encodeURIComponent(COMPARTMENT)}`);
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items.map((m: any) => m.displayName)).toContain("xai.grok-4");
    expect(items[0]).toMatchObject({ vendor: "xai", capabilities: ["CHAT"], lifecycleState: "ACTIVE" });
    expect(items[0].id).toMatch(/^ocid1\.generativeaimodel\./);
  });
});
