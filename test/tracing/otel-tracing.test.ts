/**
 * Traces: exported by the official OpenTelemetry SDK to a local OTLP/HTTP receiver, as JSON
 * and as protobuf, with the GenAI attributes, a child span per upstream attempt and the
 * client's `traceparent` as parent; and nothing OpenTelemetry is loaded when no OTEL_*
 * endpoint is set.
 */
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver";
import type { ProxyTracer } from "../../shared/tracing/proxy-tracer";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";
const OTEL_VARIABLES = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_COMPRESSION",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
  "OTEL_TRACES_SAMPLER",
  "OTEL_BSP_SCHEDULE_DELAY",
];

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
afterEach(() => {
  for (const name of OTEL_VARIABLES) delete process.env[name];
  receiver.spans.length = 0;
  receiver.contentTypes.length = 0;
});

/** Loads start-tracing.ts in a fresh module registry and records which OpenTelemetry packages get loaded. */
async function loadTracing(env: Record<string, string>): Promise<{ tracer: ProxyTracer | undefined; loaded: string[] }> {
  Object.assign(process.env, env);
  const loaded: string[] = [];
  let tracer: ProxyTracer | undefined;
  await jest.isolateModulesAsync(async () => {
    for (const name of ["@opentelemetry/api", "@opentelemetry/sdk-trace-base", "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/exporter-trace-otlp-proto"]) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    const { startTracing } = await import("../../shared/tracing/start-tracing");
    tracer = await startTracing(process.env);
  });
  return { tracer, loaded };
}

/** One proxied chat: a 429 on the first account, then a success on the second. */
function traceOneRequest(tracer: ProxyTracer, traceparent?: string): void {
  const t0 = Date.now() - 50;
  const trace = tracer.startRequest({ method: "POST", route: "/v1/chat/completions", operation: "chat", traceparent, startTime: t0 });
  trace.setModel("grok-4", "xai.grok-4");
  trace.attempt({ account: "acct1", attempt: 1, outcome: "rate_limited", status: 429, startedAt: t0 + 1, endedAt: t0 + 5, serverAddress: "inference.generativeai.us-chicago-1.oci.oraclecloud.com", serverPort: 443 });
  trace.attempt({ account: "acct2", attempt: 2, outcome: "ok", status: 200, startedAt: t0 + 25, endedAt: t0 + 48, opcRequestId: "req-7" });
  trace.firstToken(t0 + 30);
  trace.end({ status: 200, account: "acct2", attempts: 2, inputTokens: 12, outputTokens: 34, finishReasons: ["stop"], responseModel: "xai.grok-4", endTime: t0 + 50 });
}

const byKind = (spans: ReceivedSpan[], kind: number) => spans.filter((s) => s.kind === kind);

test("no OTEL_* endpoint: no tracer, and no OpenTelemetry module is loaded", async () => {
  const off = await loadTracing({ OTEL_SERVICE_NAME: "ociai", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
  expect(off.tracer).toBeUndefined();
  expect(off.loaded).toEqual([]);

  // The same probe sees the SDK load once an endpoint is set.
  const on = await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  expect(on.tracer).toBeDefined();
  expect(on.loaded).toEqual(expect.arrayContaining(["@opentelemetry/sdk-trace-base", "@opentelemetry/exporter-trace-otlp-proto"]));
  await on.tracer!.shutdown();
});

test("OTLP/JSON: a server span per request (child of the client's traceparent) and a client span per attempt, with GenAI attributes", async () => {
  const { tracer } = await loadTracing({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "ociai-test",
    OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=test",
  });
  traceOneRequest(tracer!, `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
  await tracer!.flush();
  const spans = await receiver.waitForSpans(3);
  expect(receiver.contentTypes).toEqual(["application/json"]);

  const [request] = byKind(spans, 2);
  expect(request).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN, name: "chat grok-4", statusCode: 0, scope: "ociai-proxy" });
  expect(request.resource).toMatchObject({ "service.name": "ociai-test", "deployment.environment.name": "test" });
  expect(request.attributes).toEqual({
    "http.request.method": "POST",
    "http.route": "/v1/chat/completions",
    "http.response.status_code": 200,
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "oci.generative_ai",
    "gen_ai.request.model": "grok-4",
    "gen_ai.response.model": "xai.grok-4",
    "gen_ai.usage.input_tokens": 12,
    "gen_ai.usage.output_tokens": 34,
    "gen_ai.response.finish_reasons": ["stop"],
    "gen_ai.response.time_to_first_chunk": 0.03,
    "ociai.account.id": "acct2",
    "ociai.attempts": 2,
  });
  expect(request.endMs - request.startMs).toBe(50);

  const attempts = byKind(spans, 3).sort((a, b) => a.startMs - b.startMs);
  expect(attempts.map((a) => [a.name, a.traceId, a.parentSpanId])).toEqual([
    ["chat xai.grok-4", CLIENT_TRACE, request.spanId],
    ["chat xai.grok-4", CLIENT_TRACE, request.spanId],
  ]);
  expect(attempts[0].attributes).toEqual({
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "oci.generative_ai",
    "gen_ai.request.model": "xai.grok-4",
    "server.address": "inference.generativeai.us-chicago-1.oci.oraclecloud.com",
    "server.port": 443,
    "http.response.status_code": 429,
    "error.type": "rate_limited",
    "ociai.account.id": "acct1",
    "ociai.attempt": 1,
    "ociai.upstream.outcome": "rate_limited",
  });
  expect(attempts[0].statusCode).toBe(2);
  expect(attempts[1].attributes).toMatchObject({ "ociai.account.id": "acct2", "ociai.attempt": 2, "ociai.upstream.outcome": "ok", "oci.opc_request_id": "req-7" });
  expect(attempts[1].statusCode).toBe(0);
  await tracer!.shutdown();
});

test("OTLP/protobuf (the default protocol), gzip-compressed: a new trace when the client sent no traceparent", async () => {
  const { tracer } = await loadTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" });
  traceOneRequest(tracer!);
  await tracer!.flush();
  const spans = await receiver.waitForSpans(3);
  expect(receiver.contentTypes).toEqual(["application/x-protobuf"]);
  const [request] = byKind(spans, 2);
  expect(request.parentSpanId).toBe("");
  expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(request.resource["service.name"]).toBe("ociai-proxy");
  expect(request.attributes).toMatchObject({ "gen_ai.request.model": "grok-4", "gen_ai.usage.output_tokens": 34, "gen_ai.response.finish_reasons": ["stop"] });
  expect(byKind(spans, 3).every((a) => a.traceId === request.traceId && a.parentSpanId === request.spanId)).toBe(true);
  await tracer!.shutdown();
});

test("the sampler follows OTEL_TRACES_SAMPLER and the client's sampled flag", async () => {
  const { tracer } = await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
  traceOneRequest(tracer!, `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`); // parent not sampled: parentbased_always_on drops it
  await tracer!.flush();
  await tracer!.shutdown();
  const off = await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_TRACES_SAMPLER: "always_off" });
  traceOneRequest(off.tracer!);
  await off.tracer!.flush();
  await off.tracer!.shutdown();
  expect(receiver.spans).toEqual([]);
});

test("the build keeps OpenTelemetry out of every bundle: it ships as otel-tracer.js beside those that can trace", () => {
  const { existsSync, readFileSync } = jest.requireActual<typeof import("node:fs")>("node:fs");
  // A setting name only the SDK contains, and which minification keeps.
  const sdkMarker = "OTEL_BSP_SCHEDULE_DELAY";
  for (const dir of ["dist/cli", "dist/aws/chat", "dist/aws/models", "dist/oci/chat", "dist/oci/models"]) {
    expect(readFileSync(`${dir}/otel-tracer.js`, "utf8")).toContain(sdkMarker);
  }
  for (const bundle of ["dist/cli/ociai-proxy.js", "dist/aws/chat/index.js", "dist/aws/models/index.js", "dist/oci/chat/func.js"]) {
    expect(`${bundle}: ${readFileSync(bundle, "utf8").includes(sdkMarker)}`).toBe(`${bundle}: false`);
  }
  expect(existsSync("dist/aws/health-check/otel-tracer.js")).toBe(false);
});
