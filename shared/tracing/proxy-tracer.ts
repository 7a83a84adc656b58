import type { AttemptOutcome, Endpoint } from "../metrics/metric-labels";

/**
 * What the request path calls to trace; implemented with the OpenTelemetry SDK in
 * otel-tracer.ts, which is only loaded when tracing is on (see start-tracing.ts). With
 * tracing off there is no tracer at all, so call sites pay one `undefined` check.
 * Nothing here ever carries prompt or completion text, keys or tokens.
 */
export type GenAiOperation = "chat" | "embeddings";

/** The GenAI operation behind each API endpoint; counting tokens calls no model, so it is not traced. */
export const GENAI_OPERATION: Record<Endpoint, GenAiOperation | undefined> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "chat",
  "/v1/messages": "chat",
  "/v1/embeddings": "embeddings",
  "/v1/messages/count_tokens": undefined,
};

export interface RequestTraceStart {
  method: string;
  route: Endpoint;
  operation: GenAiOperation;
  /** The client's W3C trace context headers, if any: the request span becomes their child. */
  traceparent?: string | null;
  tracestate?: string | null;
  /** Epoch ms (default now). */
  startTime?: number;
}

/** One upstream call, reported when it has ended (success, failure or cancel). */
export interface AttemptRecord {
  account: string;
  /** 1 for the first try. */
  attempt: number;
  outcome: AttemptOutcome;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /** The OCI model id asked for. */
  ociModel?: string;
  /** OCI's HTTP status, when it answered. */
  status?: number;
  /** The inference endpoint's host and port. */
  serverAddress?: string;
  serverPort?: number;
  opcRequestId?: string;
}

export interface RequestEnd {
  status: number;
  /** The account that served the answer. */
  account?: string;
  attempts?: number;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: readonly string[];
  /** The OCI model that answered. */
  responseModel?: string;
  /** A low-cardinality error code (OpenAI error code or failure kind) when the request failed. */
  errorType?: string;
  /** Epoch ms (default now). */
  endTime?: number;
}

export interface RequestTrace {
  /** The model, once known to be a configured name (client text is never recorded before). */
  setModel(model: string, ociModel: string): void;
  /** A stream's first token reached the client (epoch ms, default now). */
  firstToken(at?: number): void;
  attempt(record: AttemptRecord): void;
  end(result: RequestEnd): void;
}

export interface ProxyTracer {
  startRequest(start: RequestTraceStart): RequestTrace;
  /** Exports the spans still queued (serverless: at the end of each invocation). */
  flush(): Promise<void>;
  /** Flushes and stops exporting (on shutdown). */
  shutdown(): Promise<void>;
}
