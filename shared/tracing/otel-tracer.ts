/**
 * The OpenTelemetry side of tracing: the official SDK's tracer provider, batch span
 * processor and OTLP/HTTP exporters (JSON or protobuf). The only module that imports
 * `@opentelemetry/*`; loaded by start-tracing.ts when tracing is on, never otherwise.
 */
import { DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, diag, defaultTextMapGetter, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../log/logger";
import { ATTR, OCI_PROVIDER_NAME } from "./genai-attributes";
import type { OtlpHttpProtocol } from "./otel-env";
import type { AttemptRecord, ProxyTracer, RequestEnd, RequestTrace, RequestTraceStart } from "./proxy-tracer";

const SCOPE = "ociai-proxy";

/**
 * @example
 *   const tracer = createOtelTracer("http/json", logger);
 */
export function createOtelTracer(protocol: OtlpHttpProtocol, logger?: Logger): ProxyTracer {
  if (logger) {
    // Export failures are worth a warning line; the SDK is silent otherwise.
    const warn = (message: string) => logger.warn("opentelemetry", { error: message });
    diag.setLogger({ error: warn, warn, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  }
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over our default name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": "ociai-proxy" }))
    .merge(detectResources({ detectors: [envDetector] }));
  const exporter = protocol === "http/json" ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  // BasicTracerProvider takes OTEL_TRACES_SAMPLER(_ARG) and span limits from the environment,
  // BatchSpanProcessor its OTEL_BSP_* settings.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer(SCOPE);
  const propagator = new W3CTraceContextPropagator();

  return {
    startRequest(start: RequestTraceStart): RequestTrace {
      const carrier: Record<string, string> = {};
      if (start.traceparent) carrier.traceparent = start.traceparent;
      if (start.tracestate) carrier.tracestate = start.tracestate;
      const parent = carrier.traceparent ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;
      const startTime = start.startTime ?? Date.now();
      const span = tracer.startSpan(
        `${start.method} ${start.route}`,
        {
          kind: SpanKind.SERVER,
          startTime,
          attributes: {
            [ATTR.httpMethod]: start.method,
            [ATTR.httpRoute]: start.route,
            [ATTR.operationName]: start.operation,
            [ATTR.providerName]: OCI_PROVIDER_NAME,
          },
        },
        parent,
      );
      return new OtelRequestTrace(span, startTime, start.operation, tracer);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

class OtelRequestTrace implements RequestTrace {
  private ociModel: string | undefined;

  constructor(
    private readonly span: Span,
    private readonly startTime: number,
    private readonly operation: string,
    private readonly tracer: Tracer,
  ) {}

  setModel(model: string, ociModel: string): void {
    this.ociModel = ociModel;
    this.span.setAttribute(ATTR.requestModel, model);
    this.span.updateName(`${this.operation} ${model}`);
  }

  firstToken(at = Date.now()): void {
    this.span.setAttribute(ATTR.timeToFirstChunk, (at - this.startTime) / 1000);
  }

  /** A client span per upstream attempt, made when the attempt has ended (its times are known). */
  attempt(record: AttemptRecord): void {
    const ociModel = record.ociModel ?? this.ociModel;
    const attributes: Attributes = {
      [ATTR.operationName]: this.operation,
      [ATTR.providerName]: OCI_PROVIDER_NAME,
      [ATTR.account]: record.account,
      [ATTR.attempt]: record.attempt,
      [ATTR.outcome]: record.outcome,
    };
    if (ociModel) attributes[ATTR.requestModel] = ociModel;
    if (record.serverAddress) attributes[ATTR.serverAddress] = record.serverAddress;
    if (record.serverPort) attributes[ATTR.serverPort] = record.serverPort;
    if (record.status) attributes[ATTR.httpStatus] = record.status;
    if (record.opcRequestId) attributes[ATTR.opcRequestId] = record.opcRequestId;
    const failed = record.outcome !== "ok" && record.outcome !== "cancelled";
    if (failed) attributes[ATTR.errorType] = record.outcome;
    const child = this.tracer.startSpan(
      ociModel ? `${this.operation} ${ociModel}` : this.operation,
      { kind: SpanKind.CLIENT, startTime: record.startedAt, attributes },
      trace.setSpan(ROOT_CONTEXT, this.span),
    );
    if (failed) child.setStatus({ code: SpanStatusCode.ERROR });
    child.end(record.endedAt);
  }

  end(result: RequestEnd): void {
    const span = this.span;
    span.setAttribute(ATTR.httpStatus, result.status);
    if (result.account) span.setAttribute(ATTR.account, result.account);
    if (result.attempts) span.setAttribute(ATTR.attempts, result.attempts);
    if (result.responseModel) span.setAttribute(ATTR.responseModel, result.responseModel);
    if (result.inputTokens !== undefined) span.setAttribute(ATTR.inputTokens, result.inputTokens);
    if (result.outputTokens !== undefined) span.setAttribute(ATTR.outputTokens, result.outputTokens);
    if (result.finishReasons?.length) span.setAttribute(ATTR.finishReasons, [...result.finishReasons]);
    // Server spans: only 5xx are errors (a 4xx is the client's doing).
    if (result.status >= 500 || result.errorType) span.setAttribute(ATTR.errorType, result.errorType ?? String(result.status));
    if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(result.endTime);
  }
}
