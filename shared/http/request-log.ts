import type { LogFields } from "../log/logger";
import { attemptRecord } from "../metrics/attempt-event";
import { ADMIN_KEY_LABEL, attemptOutcome, endpointOf, NO_KEY_LABEL, type Endpoint } from "../metrics/metric-labels";
import type { ProxyMetrics, RouteMetrics } from "../metrics/proxy-metrics";
import type { RequestLineWriter } from "../metrics/request-line-writer";
import type { RequestRecord } from "../metrics/request-record";
import { clip } from "../openai/clip";
import { ClientClosedRequestError, OpenAIError } from "../openai/errors";
import { UpstreamFailure } from "../oci/upstream-failure";
import type { AttemptEvent, AttemptObserver, CallOutcome } from "../pool/types";
import { GENAI_OPERATION, type ProxyTracer, type RequestTrace } from "../tracing/proxy-tracer";

/** Where requests are reported: their one line, and (for API requests) metrics and traces. */
export interface RequestTelemetry {
  lines: RequestLineWriter;
  metrics?: ProxyMetrics;
  /** Only when OTEL_* turned tracing on. */
  tracer?: ProxyTracer;
}

/**
 * One request as it is reported: its one log line (fields gathered on the way), and for
 * API requests (chat completions, embeddings, responses, messages, count_tokens) its
 * metrics, its trace span and the spans of its upstream attempts. Streaming responses
 * outlive their handler, so a handler can mark the request `deferred` and finish it when
 * the stream ends.
 *
 * @example
 *   const log = new RequestLog(telemetry, "POST", "/v1/chat/completions", request);
 *   log.setModel("grok-4", "xai.grok-4");
 *   await pool.send(call, { signal, observer: log }); // each attempt reported
 *   log.fields.status = 200;
 *   log.finish();
 */
export class RequestLog implements AttemptObserver {
  readonly fields: LogFields;
  deferred = false;
  /** The `endpoint` label of an API request; undefined for models, stats, admin and the rest. */
  readonly endpoint: Endpoint | undefined;
  private done = false;
  private readonly startedAt = performance.now();
  private route: RouteMetrics | undefined;
  private readonly trace: RequestTrace | undefined;
  private ttftMs: number | undefined;
  private ociModel: string | undefined;
  private finishReasons: string[] | undefined;
  private errorType: string | undefined;
  /** The metrics' `key` label: who called (set by authentication, before the model is known). */
  private key = NO_KEY_LABEL;

  constructor(
    private readonly telemetry: RequestTelemetry,
    method: string,
    path: string,
    /** For the client's trace context (read only when tracing). */
    request?: Request,
  ) {
    // The path is client text (up to Node's 16 KB header limit): log its start only.
    this.fields = { method, path: clip(path, 256) };
    this.endpoint = method === "POST" ? endpointOf(path) : undefined;
    const operation = this.endpoint && GENAI_OPERATION[this.endpoint];
    if (operation && telemetry.tracer) {
      const headers = request?.headers;
      this.trace = telemetry.tracer.startRequest({
        method,
        route: this.endpoint!,
        operation,
        traceparent: headers?.get("traceparent"),
        tracestate: headers?.get("tracestate"),
      });
    }
  }

  /**
   * Who sent the request, once authentication knows: a team key's id (logged as `key_id`;
   * also a revoked or expired key's, for its 401), or undefined for the admin key. Call it
   * before {@link setModel}.
   */
  setCaller(keyId: string | undefined): void {
    if (keyId === undefined) {
      this.key = ADMIN_KEY_LABEL;
    } else {
      this.key = keyId;
      this.fields.key_id = keyId;
    }
  }

  /** The request names `model`, a configured name ([MODELS]) served by OCI's `ociModel`. */
  setModel(model: string, ociModel: string): void {
    this.fields.model = model;
    this.ociModel = ociModel;
    if (this.endpoint) this.route = this.telemetry.metrics?.route(this.endpoint, model, this.key);
    this.trace?.setModel(model, ociModel);
  }

  /** An upstream attempt ended (the pool reports each one, retries included). */
  attempt(event: AttemptEvent): void {
    this.telemetry.metrics?.attempt(event.account.config.id, attemptOutcome(event.outcome));
    this.trace?.attempt(attemptRecord(event));
  }

  /** The first generated chunk went out to the client (a stream, or a replayed whole answer). */
  firstToken(): void {
    if (this.ttftMs !== undefined) return;
    this.ttftMs = performance.now() - this.startedAt;
    this.route?.firstToken(this.ttftMs);
    this.trace?.firstToken();
  }

  /** Tokens OCI reported for a call `account` served (embeddings: one call per batch, no completion). */
  usage(account: string, prompt: number, completion?: number): void {
    const fields = this.fields;
    fields.prompt_tokens = Number(fields.prompt_tokens ?? 0) + prompt;
    if (completion !== undefined) fields.completion_tokens = Number(fields.completion_tokens ?? 0) + completion;
    this.route?.tokens(account, prompt, completion ?? 0);
  }

  /** Why the answer's choices ended (traces only). */
  finishReason(reason: string | null | undefined): void {
    if (reason) (this.finishReasons ??= []).push(reason);
  }

  /**
   * Records why the request ended in an error: a client that left is "cancelled" (with the
   * stage it left at), not a failure; a 5xx keeps its cause, which the client never sees.
   */
  noteError(err: Error, status: number): void {
    if (err instanceof ClientClosedRequestError) {
      this.fields.outcome = "cancelled";
      this.fields.cancelled_at = err.stage;
    } else if (status >= 500) {
      this.fields.error = err.message;
      this.errorType = err instanceof OpenAIError ? (err.code ?? err.type) : err instanceof UpstreamFailure ? err.kind : "internal";
    }
  }

  /**
   * Finishes a streamed request with how its upstream call ended: ok, cancelled (the
   * client left, or shutdown cut it), or upstream_error with the cause.
   *
   * @example
   *   chatEventStream({ ..., onEnd: (outcome, usage) => log.finishCall(outcome, usage) })
   */
  finishCall(outcome: CallOutcome, usage?: { prompt_tokens: number; completion_tokens: number }): void {
    const fields = this.fields;
    fields.outcome = outcome.ok === true ? "ok" : outcome.ok === false ? "upstream_error" : "cancelled";
    if (outcome.ok === false) {
      fields.error = outcome.failure.message;
      this.errorType = "upstream_error";
    }
    if (usage) this.usage(String(fields.account), usage.prompt_tokens, usage.completion_tokens);
    this.finish();
  }

  /** Writes the line and ends the request's metrics and span (once; later calls do nothing). */
  finish(extra?: LogFields): void {
    if (this.done) return;
    this.done = true;
    const durationMs = performance.now() - this.startedAt;
    const fields = this.fields;
    if (extra) Object.assign(fields, extra);
    fields.latency_ms = Math.round(durationMs * 10) / 10;
    const status = Number(fields.status ?? 0);
    const { lines, metrics } = this.telemetry;
    let record: RequestRecord | undefined;
    const endpoint = this.endpoint;
    if (endpoint) {
      (this.route ?? metrics?.route(endpoint, undefined, this.key))?.finished(status, durationMs);
      this.trace?.end({
        status,
        account: fields.account as string | undefined,
        attempts: fields.attempts as number | undefined,
        inputTokens: fields.prompt_tokens as number | undefined,
        outputTokens: fields.completion_tokens as number | undefined,
        finishReasons: this.finishReasons,
        responseModel: this.ociModel,
        errorType: this.errorType,
      });
      if (lines.wantsRecord) record = this.record(endpoint, status, durationMs);
    }
    // A stream that failed after its 200 went out is as much an error as a 502.
    lines.write(status >= 500 || fields.outcome === "upstream_error" ? "error" : "info", fields, record);
  }

  private record(endpoint: Endpoint, status: number, durationMs: number): RequestRecord {
    const fields = this.fields;
    return {
      endpoint,
      model: (fields.model as string | undefined) ?? "",
      account: fields.account as string | undefined,
      status,
      durationMs,
      ttftMs: this.ttftMs,
      promptTokens: fields.prompt_tokens as number | undefined,
      completionTokens: fields.completion_tokens as number | undefined,
      attempts: fields.attempts as number | undefined,
    };
  }
}
