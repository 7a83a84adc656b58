/**
 * A stand-in for the AWS Lambda Node.js runtime, faithful in the parts our bundles touch:
 * it loads a built bundle cold (fresh module scope, env set first), provides the
 * `awslambda` global (`streamifyResponse`, `HttpResponseStream.from`) and invokes handlers
 * the way the runtime does — enforcing the response-streaming rules that only bite in AWS.
 *
 * Rules enforced on a streaming invocation (each one fails it, see `violations`):
 * - the handler must return a promise ("Streaming does not support non-async handlers.");
 * - once `HttpResponseStream.from` was used, at least one `write()` must come before
 *   `end()`: the runtime writes the JSON prelude + 8 NUL bytes lazily, on the first
 *   `write()` (an `end(chunk)` does not count), so without one the prelude is never sent;
 * - `HttpResponseStream.from` must come before the first write;
 * - the handler's promise must settle (else: "Task timed out") and the stream must be
 *   ended once it has ("Response stream is not finished.");
 * - no writes after `end()`.
 * A handler that throws or rejects is an error invocation (`error`), before or after its
 * first byte (`error.afterFirstByte`).
 *
 * @example
 * const chat = loadLambdaBundle("dist/aws/chat/index.js", { env: { OCIAI_CONFIG_FILE: file } });
 * const res = await chat.invokeStreaming(functionUrlEvent({ method: "POST", path: "/v1/chat/completions", body }));
 * expectInvocationSucceeded(res);
 * res.statusCode; res.headers["content-type"]; res.bodyText; res.timing.firstBodyByteMs;
 * chat.dispose();
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import Module from "node:module";
import { dirname, resolve } from "node:path";
import { Writable } from "node:stream";
import vm from "node:vm";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";

// Bundles run in Node's own realm (not jest's sandbox): their `awslambda`, `process.env`,
// `console` and `process.stdout` are the real ones, exactly as in the Lambda runtime.
const realm = vm.runInThisContext("globalThis") as typeof globalThis;
const realmGlobals = realm as unknown as Record<string, unknown>;
const realProcess = realm.process;

/** What the runtime marks streaming handlers with (the real runtime uses these symbols too). */
export const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
export const HANDLER_HIGHWATERMARK = Symbol.for("aws.lambda.runtime.handler.streaming.highWaterMark");
export const STREAM_RESPONSE = "response";
/** The content type `HttpResponseStream.from` sets: the body starts with the JSON prelude. */
export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER = Buffer.alloc(8);

export type LambdaHandler = (...args: any[]) => unknown;
type StreamingHandler = LambdaHandler & { [HANDLER_STREAMING]?: string; [HANDLER_HIGHWATERMARK]?: number };

export interface HttpResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

// ---------------------------------------------------------------------------------------
// The response stream

export interface RecordedWrite {
  /** ms since the invocation started */
  atMs: number;
  kind: "prelude" | "body";
  bytes: Buffer;
}

/**
 * The stream a streaming handler writes to. Like the runtime's, it takes strings, Buffers
 * and Uint8Arrays (anything else is JSON-stringified) and calls `_onBeforeFirstWrite` (set
 * by `HttpResponseStream.from`) on the first `write()`.
 */
export class LambdaResponseStream extends Writable {
  readonly records: RecordedWrite[] = [];
  readonly violations: string[] = [];
  readonly errors: Error[] = [];
  contentType = "application/octet-stream";
  usedHttpResponseStream = false;
  writeCalled = false;
  endCalledAtMs: number | undefined;
  finishedAtMs: number | undefined;
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  private phase: RecordedWrite["kind"] = "body";

  constructor(
    private readonly startedAt: number,
    highWaterMark?: number,
  ) {
    super({ highWaterMark });
    // A write after end() must not crash the process through an unhandled 'error' event:
    // the write wrapper below records it as a violation.
    this.on("error", (err: Error) => {
      this.errors.push(err);
    });
    this.once("finish", () => {
      this.finishedAtMs = this.now();
    });

    const nodeWrite = Writable.prototype.write.bind(this) as (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
    const nodeEnd = Writable.prototype.end.bind(this) as (chunk?: unknown, encoding?: unknown, cb?: unknown) => this;
    this.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      if (typeof chunk !== "string" && !Buffer.isBuffer(chunk) && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
      if (this.writableEnded) this.violations.push(`write() after end(): ${preview(chunk as string | Uint8Array)}`);
      if (!this.writeCalled) {
        this.writeCalled = true;
        const hook = this._onBeforeFirstWrite;
        if (hook) {
          this.phase = "prelude";
          try {
            hook((c) => nodeWrite(c));
          } finally {
            this.phase = "body";
          }
        }
      }
      return nodeWrite(chunk, encoding, cb);
    }) as Writable["write"];
    (this as { end: unknown }).end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
      if (this.endCalledAtMs === undefined) {
        this.endCalledAtMs = this.now();
        const withChunk = chunk !== undefined && chunk !== null && typeof chunk !== "function";
        if (this.usedHttpResponseStream && !this.writeCalled) {
          this.violations.push(
            `end()${withChunk ? " with a chunk" : ""} without a prior write(): the runtime sends the HTTP prelude only on the first write(), so the response is broken`,
          );
        }
      }
      return nodeEnd(chunk, encoding, cb);
    });
  }

  /** The runtime's `setContentType`: only before anything was written. */
  setContentType(contentType: string): void {
    if (this.writeCalled) throw new Error("Content-Type must be set before the first write to the response stream");
    this.contentType = contentType;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.records.push({ atMs: this.now(), kind: this.phase, bytes: Buffer.from(chunk) });
    callback();
  }

  private now(): number {
    return performance.now() - this.startedAt;
  }
}

function preview(chunk: string | Uint8Array): string {
  const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// ---------------------------------------------------------------------------------------
// The `awslambda` global

/** The object the runtime exposes as `globalThis.awslambda`. */
export const awslambda = {
  streamifyResponse(handler: LambdaHandler, options?: { highWaterMark?: number }): LambdaHandler {
    if (typeof handler !== "function") throw new TypeError("awslambda.streamifyResponse expects a function");
    const streaming: StreamingHandler = function streamifiedHandler(this: unknown, event: unknown, responseStream: unknown, context: unknown) {
      return handler.call(this, event, responseStream, context);
    };
    streaming[HANDLER_STREAMING] = STREAM_RESPONSE;
    if (options?.highWaterMark !== undefined) streaming[HANDLER_HIGHWATERMARK] = options.highWaterMark;
    return streaming;
  },
  HttpResponseStream: {
    /** Like the runtime: set the content type, write `JSON + 8 NULs` before the first write, return the same stream. */
    from(stream: LambdaResponseStream, metadata: HttpResponseMetadata): LambdaResponseStream {
      if (!(stream instanceof LambdaResponseStream)) throw new TypeError("HttpResponseStream.from expects the runtime's response stream");
      try {
        stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      } catch (err) {
        stream.violations.push("HttpResponseStream.from() after the first write");
        throw err;
      }
      stream.usedHttpResponseStream = true;
      const prelude = JSON.stringify(metadata);
      stream._onBeforeFirstWrite = (write) => {
        write(prelude);
        write(new Uint8Array(DELIMITER.length));
      };
      return stream;
    },
  },
};

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === "function" && (handler as StreamingHandler)[HANDLER_STREAMING] === STREAM_RESPONSE;
}

let installs = 0;
let previousAwslambda: { present: boolean; value: unknown } | undefined;

/** Installs `globalThis.awslambda` (reference-counted; `uninstall` restores what was there). */
export function installLambdaGlobals(): () => void {
  if (installs++ === 0) {
    previousAwslambda = { present: "awslambda" in realmGlobals, value: realmGlobals.awslambda };
    realmGlobals.awslambda = awslambda;
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installs === 0 && previousAwslambda) {
      if (previousAwslambda.present) realmGlobals.awslambda = previousAwslambda.value;
      else delete realmGlobals.awslambda;
      previousAwslambda = undefined;
    }
  };
}

// ---------------------------------------------------------------------------------------
// Logs: what the function prints goes to CloudWatch, not to the caller

export interface LogLine {
  at: number;
  stream: "stdout" | "stderr";
  text: string;
}

const logSinks = new Set<LogLine[]>();
/** Files of the loaded bundles: output is captured only when one of them is on the stack. */
const bundleFiles = new Map<string, number>();
let restoreLogs: (() => void) | undefined;

/**
 * True when the current call comes from a loaded bundle. Jest (in verbose mode) and the
 * simulators write to the same process.stdout, and their output must go through.
 */
function calledFromBundle(): boolean {
  if (bundleFiles.size === 0) return false;
  // Raw call sites: jest maps printed stacks through the bundles' source maps.
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_err, sites) => sites;
  Error.stackTraceLimit = 30;
  const holder: { stack?: unknown } = {};
  let stack: unknown;
  try {
    Error.captureStackTrace(holder, calledFromBundle);
    stack = holder.stack; // formatted lazily, on first read: read it while the override is in place
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  const sites = Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  return sites.some((site) => bundleFiles.has(site.getFileName() ?? ""));
}

function captureLogs(sink: LogLine[], file: string): () => void {
  logSinks.add(sink);
  bundleFiles.set(file, (bundleFiles.get(file) ?? 0) + 1);
  if (!restoreLogs) {
    const echo = Boolean(process.env.LAMBDA_HARNESS_ECHO_LOGS);
    const push = (stream: LogLine["stream"], text: string) => {
      const line = { at: performance.now(), stream, text };
      for (const s of logSinks) s.push(line);
    };
    const stdout = realProcess.stdout;
    const hadOwnWrite = Object.prototype.hasOwnProperty.call(stdout, "write");
    const previousWrite = stdout.write;
    stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const fromBundle = calledFromBundle();
      if (fromBundle) push("stdout", typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      if (echo || !fromBundle) return (previousWrite as (...a: unknown[]) => boolean).call(stdout, chunk, ...rest);
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (cb) process.nextTick(cb);
      return true;
    }) as typeof stdout.write;
    const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const;
    const realConsole = realm.console;
    const previous = consoleMethods.map((m) => [m, realConsole[m], Object.prototype.hasOwnProperty.call(realConsole, m)] as const);
    for (const m of consoleMethods) {
      const original = realConsole[m];
      realConsole[m] = (...args: unknown[]) => {
        const fromBundle = calledFromBundle();
        if (fromBundle) push(m === "log" || m === "info" || m === "debug" ? "stdout" : "stderr", args.map((a) => (typeof a === "string" ? a : inspectValue(a))).join(" ") + "\n");
        if (echo || !fromBundle) (original as (...a: unknown[]) => void).apply(realConsole, args);
      };
    }
    restoreLogs = () => {
      if (hadOwnWrite) stdout.write = previousWrite;
      else delete (stdout as { write?: unknown }).write;
      for (const [m, fn, own] of previous) {
        if (own) realConsole[m] = fn;
        else delete (realConsole as unknown as Record<string, unknown>)[m];
      }
    };
  }
  return () => {
    logSinks.delete(sink);
    const users = (bundleFiles.get(file) ?? 1) - 1;
    if (users > 0) bundleFiles.set(file, users);
    else bundleFiles.delete(file);
    if (logSinks.size === 0 && restoreLogs) {
      restoreLogs();
      restoreLogs = undefined;
    }
  };
}

function inspectValue(value: unknown): string {
  if (value instanceof Error) return value.stack ?? String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------
// Context

export interface ContextOptions {
  functionName?: string;
  timeoutMs?: number;
  memoryMb?: number;
  awsRequestId?: string;
}

export function lambdaContext(options: ContextOptions = {}): Context {
  const functionName = options.functionName ?? "ociai-proxy-fn";
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("done/fail/succeed are not supported on Node.js 20+ runtimes");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 512),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

// ---------------------------------------------------------------------------------------
// Invocations

export interface InvocationError {
  errorType: string;
  errorMessage: string;
  /** The handler failed after the response had started (the client saw a cut-off body). */
  afterFirstByte: boolean;
}

export interface StreamingInvocation {
  /** "success": the handler resolved, the stream ended, no runtime rule was broken. */
  status: "success" | "error";
  error?: InvocationError;
  /** Runtime rules the handler broke (each one fails the invocation). */
  violations: string[];
  /** The response stream's content type (the http-integration one when the prelude was used). */
  contentType: string;
  /** The prelude as sent (undefined when the handler did not use HttpResponseStream). */
  prelude?: HttpResponseMetadata;
  statusCode: number;
  /** Prelude headers, names lower-cased. */
  headers: Record<string, string>;
  cookies: string[];
  /** Every byte written, prelude included. */
  raw: Buffer;
  body: Buffer;
  bodyText: string;
  writes: RecordedWrite[];
  /** Non-empty body writes, in order. */
  bodyWrites: RecordedWrite[];
  timing: {
    /** ms from invocation start */
    firstBodyByteMs?: number;
    lastBodyByteMs?: number;
    endCalledMs?: number;
    finishedMs?: number;
    settledMs: number;
  };
  logs: LogLine[];
  durationMs: number;
}

export interface InvokeOptions {
  context?: Context;
  /** The function's timeout (default 15 s): a handler still pending then "timed out". */
  timeoutMs?: number;
  /**
   * How long after the handler settles the stream may take to finish. The runtime checks
   * `writableFinished` once the handler's promise and the response upload are done; a tiny
   * grace models the latter without hiding a stream nobody ends.
   */
  finishGraceMs?: number;
}

const TIMED_OUT = Symbol("timed out");

/** Invokes a streamified handler as `handler(event, responseStream, context)` and decodes what it wrote. */
export async function invokeStreaming(handler: unknown, event: unknown, options: InvokeOptions = {}, logs: LogLine[] = []): Promise<StreamingInvocation> {
  if (!isStreamingHandler(handler)) throw new Error("not a streaming handler: wrap it with awslambda.streamifyResponse");
  const timeoutMs = options.timeoutMs ?? 15_000;
  const startedAt = performance.now();
  const logsFrom = logs.length;
  const h = handler as StreamingHandler;
  const stream = new LambdaResponseStream(startedAt, h[HANDLER_HIGHWATERMARK]);
  const context = options.context ?? lambdaContext({ timeoutMs });
  // Events reach the handler as parsed JSON, never as the caller's object.
  const payload = JSON.parse(JSON.stringify(event ?? null));

  let error: unknown;
  let failed = false;
  let returned: unknown;
  try {
    returned = h(payload, stream, context);
  } catch (err) {
    failed = true;
    error = err;
  }
  const violations = stream.violations;
  if (!failed) {
    if (!isThenable(returned)) {
      violations.push("Streaming does not support non-async handlers.");
    } else {
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        Promise.resolve(returned).then(
          (value) => ({ ok: true as const, value }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
        new Promise<typeof TIMED_OUT>((r) => {
          timer = setTimeout(r, timeoutMs, TIMED_OUT);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === TIMED_OUT) violations.push(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      else if (!outcome.ok) {
        failed = true;
        error = outcome.err;
      }
    }
  }
  const settledMs = performance.now() - startedAt;
  if (!failed && !stream.writableFinished && stream.writableEnded) await waitForFinish(stream, options.finishGraceMs ?? 20);
  if (!failed && !stream.writableFinished) violations.push("Response stream is not finished.");
  // Let a write-after-end error (emitted on the next tick) land before reading the verdict.
  await new Promise((r) => setImmediate(r));

  const raw = Buffer.concat(stream.records.map((r) => r.bytes));
  const decoded = decodeResponse(stream, raw, violations);
  const bodyWrites = stream.records.filter((r) => r.kind === "body" && r.bytes.length > 0);
  const invocationError: InvocationError | undefined = failed
    ? { errorType: errorName(error), errorMessage: errorMessage(error), afterFirstByte: stream.records.length > 0 }
    : undefined;
  return {
    status: invocationError || violations.length > 0 ? "error" : "success",
    error: invocationError,
    violations: [...violations],
    contentType: stream.contentType,
    ...decoded,
    raw,
    bodyText: decoded.body.toString("utf8"),
    writes: stream.records,
    bodyWrites,
    timing: {
      firstBodyByteMs: bodyWrites[0]?.atMs,
      lastBodyByteMs: bodyWrites[bodyWrites.length - 1]?.atMs,
      endCalledMs: stream.endCalledAtMs,
      finishedMs: stream.finishedAtMs,
      settledMs,
    },
    logs: logs.slice(logsFrom),
    durationMs: performance.now() - startedAt,
  };
}

interface DecodedStream {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
  prelude: HttpResponseMetadata | undefined;
}

function decodeResponse(stream: LambdaResponseStream, raw: Buffer, violations: string[]): DecodedStream {
  if (stream.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
    // A raw stream (no HttpResponseStream): 200 with the stream's content type.
    return { statusCode: 200, headers: { "content-type": stream.contentType }, cookies: [], body: raw, prelude: undefined };
  }
  const at = raw.indexOf(DELIMITER);
  if (at < 0) {
    if (!violations.some((v) => v.includes("prelude"))) violations.push("http-integration response without a prelude delimiter (8 NUL bytes)");
    return { statusCode: 502, headers: {}, cookies: [], body: Buffer.alloc(0), prelude: undefined };
  }
  let prelude: HttpResponseMetadata;
  try {
    prelude = JSON.parse(raw.subarray(0, at).toString("utf8")) as HttpResponseMetadata;
  } catch {
    violations.push("the prelude is not JSON");
    return { statusCode: 502, headers: {}, cookies: [], body: Buffer.alloc(0), prelude: undefined };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(prelude.headers ?? {})) headers[name.toLowerCase()] = String(value);
  return { statusCode: prelude.statusCode ?? 200, headers, cookies: prelude.cookies ?? [], body: raw.subarray(at + DELIMITER.length), prelude };
}

function waitForFinish(stream: Writable, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, graceMs);
    stream.once("finish", done);
    function done() {
      clearTimeout(timer);
      stream.off("finish", done);
      resolve();
    }
  });
}

export class LambdaInvocationError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(`${errorType}: ${errorMessage}`);
    this.name = "LambdaInvocationError";
  }
}

/**
 * Invokes a buffered handler as `handler(event, context, callback)` and returns what the
 * runtime would send back: the result, JSON round-tripped. For an API Gateway REST (v1)
 * event the result must be a valid proxy result, or API Gateway answers 502
 * ("Malformed Lambda proxy response"): that throws here.
 */
export async function invokeBuffered<T = any>(handler: unknown, event: unknown, options: InvokeOptions = {}): Promise<T> {
  if (typeof handler !== "function") throw new Error("Runtime.HandlerNotFound: the handler is not a function");
  if (isStreamingHandler(handler)) throw new Error("a streaming handler: use invokeStreaming");
  const timeoutMs = options.timeoutMs ?? 15_000;
  const context = options.context ?? lambdaContext({ timeoutMs });
  const payload = JSON.parse(JSON.stringify(event ?? null));
  let timer: NodeJS.Timeout | undefined;
  const value = await Promise.race([
    new Promise<unknown>((resolvePromise, reject) => {
      const callback = (err: unknown, result?: unknown) => (err ? reject(err) : resolvePromise(result));
      try {
        const returned = (handler as LambdaHandler)(payload, context, callback);
        if (isThenable(returned)) Promise.resolve(returned).then(resolvePromise, reject);
        else if ((handler as LambdaHandler).length < 3) resolvePromise(returned);
      } catch (err) {
        reject(err);
      }
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaInvocationError("Sandbox.Timedout", `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
    }),
  ])
    .catch((err: unknown) => {
      if (err instanceof LambdaInvocationError) throw err;
      throw new LambdaInvocationError(errorName(err), errorMessage(err));
    })
    .finally(() => clearTimeout(timer));
  const result = value === undefined ? null : JSON.parse(JSON.stringify(value));
  if (isRestEvent(payload)) assertProxyResult(result);
  return result as T;
}

function assertProxyResult(result: unknown): void {
  const problems: string[] = [];
  if (typeof result !== "object" || result === null) problems.push("not an object");
  else {
    const r = result as Record<string, unknown>;
    if (!Number.isInteger(r.statusCode)) problems.push("statusCode is not an integer");
    if (r.body !== undefined && r.body !== null && typeof r.body !== "string") problems.push("body is not a string");
    if (r.headers !== undefined && (typeof r.headers !== "object" || Object.values(r.headers as object).some((v) => typeof v === "object"))) problems.push("headers must map names to single values");
    if (r.multiValueHeaders !== undefined && (typeof r.multiValueHeaders !== "object" || Object.values(r.multiValueHeaders as object).some((v) => !Array.isArray(v)))) problems.push("multiValueHeaders must map names to arrays");
    if (r.isBase64Encoded !== undefined && typeof r.isBase64Encoded !== "boolean") problems.push("isBase64Encoded is not a boolean");
  }
  if (problems.length) throw new LambdaInvocationError("MalformedProxyResponse", `Malformed Lambda proxy response: ${problems.join("; ")}`);
}

export interface DecodedProxyResult {
  statusCode: number;
  /** headers and multiValueHeaders merged, names lower-cased, values comma-joined */
  headers: Record<string, string>;
  body: string;
}

/** Reads a proxy result the way API Gateway / a Function URL turns it into an HTTP response. */
export function decodeProxyResult(result: { statusCode: number; headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown[]>; body?: string; isBase64Encoded?: boolean }): DecodedProxyResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String).join(",");
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64").toString("utf8") : (result.body ?? "");
  return { statusCode: result.statusCode, headers, body };
}

function isRestEvent(event: unknown): boolean {
  return typeof event === "object" && event !== null && "httpMethod" in event && "resource" in event;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Fails with a readable message unless the streaming invocation succeeded. */
export function expectInvocationSucceeded(result: StreamingInvocation): void {
  if (result.status === "success") return;
  const reasons = [...result.violations];
  if (result.error) reasons.push(`${result.error.errorType}: ${result.error.errorMessage}`);
  const tail = result.logs.map((l) => l.text.trimEnd()).slice(-10).join("\n");
  throw new Error(`Lambda invocation failed:\n- ${reasons.join("\n- ")}${tail ? `\nlast function logs:\n${tail}` : ""}`);
}

// ---------------------------------------------------------------------------------------
// Bundles

export interface LoadBundleOptions {
  /** Env variables set (in the real process.env) before the bundle loads; restored on dispose. */
  env?: Record<string, string | undefined>;
  /** Default "handler" (`index.handler`). */
  exportName?: string;
  functionName?: string;
  /** Capture what the function prints (default true; LAMBDA_HARNESS_ECHO_LOGS=1 prints it too). */
  captureLogs?: boolean;
}

export interface LambdaBundle {
  file: string;
  handler: LambdaHandler;
  streaming: boolean;
  /** Module evaluation time: the init phase of a cold start. */
  initMs: number;
  /** What the function printed since it was loaded. */
  logs: LogLine[];
  invokeStreaming(event: unknown, options?: InvokeOptions): Promise<StreamingInvocation>;
  invokeBuffered<T = any>(event: unknown, options?: InvokeOptions): Promise<T>;
  dispose(): void;
}

interface InternalModule {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  _compile(source: string, filename: string): void;
}
const ModuleCtor = Module as unknown as { new (id: string, parent?: unknown): InternalModule; _nodeModulePaths(dir: string): string[] };

/**
 * Loads a built bundle as a cold Lambda instance: env first, `awslambda` installed, then a
 * fresh module (its own scope, not shared through require's cache) is evaluated in Node's
 * realm with `__dirname` = the bundle's folder, as LAMBDA_TASK_ROOT would be.
 */
export function loadLambdaBundle(file: string, options: LoadBundleOptions = {}): LambdaBundle {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`${file} is missing: build the bundles first (node scripts/build.mjs --quiet, or npm test)`);
  const functionName = options.functionName ?? `ociai-${dirname(path).split("/").pop()}`;
  const env: Record<string, string | undefined> = {
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs20.x",
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    LAMBDA_TASK_ROOT: dirname(path),
    _HANDLER: `index.${options.exportName ?? "handler"}`,
    ...options.env,
  };
  const restoreEnv = applyEnv(env);
  const uninstall = installLambdaGlobals();
  const logs: LogLine[] = [];
  const stopLogs = options.captureLogs === false ? () => {} : captureLogs(logs, path);

  let handler: LambdaHandler;
  let initMs: number;
  try {
    // A unique trailer defeats V8's in-process compilation cache, so every load compiles
    // from scratch like a new Lambda instance (line numbers, hence source maps, unchanged).
    const source = `${readFileSync(path, "utf8")}\n// lambda-harness instance ${randomUUID()}\n`;
    const mod = new ModuleCtor(path);
    mod.filename = path;
    mod.paths = ModuleCtor._nodeModulePaths(dirname(path));
    const t0 = performance.now();
    mod._compile(source, path);
    initMs = performance.now() - t0;
    const exported = mod.exports[options.exportName ?? "handler"];
    if (typeof exported !== "function") throw new Error(`Runtime.HandlerNotFound: ${env._HANDLER} is undefined or not exported`);
    handler = exported as LambdaHandler;
  } catch (err) {
    stopLogs();
    uninstall();
    restoreEnv();
    throw err;
  }

  let disposed = false;
  return {
    file: path,
    handler,
    streaming: isStreamingHandler(handler),
    initMs,
    logs,
    invokeStreaming: (event, invokeOptions) => invokeStreaming(handler, event, { ...invokeOptions, context: invokeOptions?.context ?? lambdaContext({ functionName, timeoutMs: invokeOptions?.timeoutMs }) }, logs),
    invokeBuffered: (event, invokeOptions) => invokeBuffered(handler, event, { ...invokeOptions, context: invokeOptions?.context ?? lambdaContext({ functionName, timeoutMs: invokeOptions?.timeoutMs }) }),
    dispose() {
      if (disposed) return;
      disposed = true;
      stopLogs();
      uninstall();
      restoreEnv();
    },
  };
}

const envOriginals = new Map<string, { had: boolean; value: string | undefined; users: number }>();

/**
 * Sets variables in the real process.env; the returned function releases them. A variable
 * gets its original value back once every bundle that set it was disposed, in any order.
 */
function applyEnv(env: Record<string, string | undefined>): () => void {
  const target = realProcess.env;
  for (const [k, v] of Object.entries(env)) {
    const original = envOriginals.get(k);
    if (original) original.users++;
    else envOriginals.set(k, { had: Object.prototype.hasOwnProperty.call(target, k), value: target[k], users: 1 });
    if (v === undefined) delete target[k];
    else target[k] = v;
  }
  return () => {
    for (const k of Object.keys(env)) {
      const original = envOriginals.get(k);
      if (!original || --original.users > 0) continue;
      envOriginals.delete(k);
      if (original.had && original.value !== undefined) target[k] = original.value;
      else delete target[k];
    }
  };
}

// ---------------------------------------------------------------------------------------
// Events

export interface HttpEventInit {
  method: string;
  /** Path with an optional query string: "/v1/models?x=1". */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Send the body base64-encoded (binary media types / Function URLs with non-text bodies). */
  base64?: boolean;
  sourceIp?: string;
  /**
   * REST only: the API resource that matched. Default: the path itself (our API has one
   * resource per route); a greedy one like "/stats/{proxy+}" fills pathParameters.proxy.
   */
  resource?: string;
}

export type EventBuilder = (init: HttpEventInit) => APIGatewayProxyEvent | APIGatewayProxyEventV2;

function splitTarget(target: string): { path: string; query: [string, string][]; rawQuery: string } {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  return { path, rawQuery, query: [...new URLSearchParams(rawQuery)] };
}

function encodeBody(init: HttpEventInit): { body: string | null; isBase64Encoded: boolean } {
  if (init.body === undefined) return { body: null, isBase64Encoded: false };
  return init.base64 ? { body: Buffer.from(init.body, "utf8").toString("base64"), isBase64Encoded: true } : { body: init.body, isBase64Encoded: false };
}

/** API Gateway REST API (payload v1) proxy event on stage "prod" (default endpoint: `path` has no stage). */
export function apiGatewayRestEvent(init: HttpEventInit): APIGatewayProxyEvent {
  const stage = "prod";
  const { path, query } = splitTarget(init.path);
  const method = init.method.toUpperCase();
  const multiValueHeaders: Record<string, string[]> = {};
  const headers: Record<string, string> = {};
  const given = { Host: "abc123defg.execute-api.us-east-1.amazonaws.com", "User-Agent": "harness/1.0", "X-Forwarded-Proto": "https", ...init.headers };
  for (const [name, value] of Object.entries(given)) {
    // REST APIs keep the client's header case; `headers` holds the last value.
    const values = Array.isArray(value) ? value : [value];
    multiValueHeaders[name] = values;
    headers[name] = values[values.length - 1];
  }
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of query) (multiQuery[k] ??= []).push(v);
  const singleQuery = Object.fromEntries(Object.entries(multiQuery).map(([k, v]) => [k, v[v.length - 1]]));
  const requestId = randomUUID();
  const sourceIp = init.sourceIp ?? "203.0.113.7";
  const now = Date.now();
  const { body, isBase64Encoded } = encodeBody(init);
  const resource = init.resource ?? path;
  const greedy = resource.indexOf("{proxy+}");
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.length ? singleQuery : null,
    multiValueQueryStringParameters: query.length ? multiQuery : null,
    pathParameters: greedy < 0 ? null : { proxy: path.slice(greedy) },
    stageVariables: null,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123defg",
      authorizer: undefined,
      domainName: "abc123defg.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123defg",
      extendedRequestId: randomBytes(8).toString("base64"),
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headers["User-Agent"] ?? null,
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: "HTTP/1.1",
      requestId,
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: "abc123",
      resourcePath: resource,
      stage,
    },
    body,
    isBase64Encoded,
  };
}

/** Lambda Function URL (payload v2) event: lower-case headers, cookies split out, no body key when empty. */
export function functionUrlEvent(init: HttpEventInit): APIGatewayProxyEventV2 {
  const { path, rawQuery, query } = splitTarget(init.path);
  const method = init.method.toUpperCase();
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const given = { host: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws", "user-agent": "harness/1.0", "x-forwarded-proto": "https", ...init.headers };
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    if (lower === "cookie") cookies = values.flatMap((v) => v.split(/;\s*/));
    else headers[lower] = headers[lower] ? `${headers[lower]},${values.join(",")}` : values.join(",");
  }
  const queryParams: Record<string, string> = {};
  for (const [k, v] of query) queryParams[k] = queryParams[k] ? `${queryParams[k]},${v}` : v;
  const now = Date.now();
  const { body, isBase64Encoded } = encodeBody(init);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: rawQuery,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query.length ? { queryStringParameters: queryParams } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghijklmnopqrstuvwxyz012345",
      domainName: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
      domainPrefix: "abcdefghijklmnopqrstuvwxyz012345",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: init.sourceIp ?? "203.0.113.7", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body !== null ? { body } : {}),
    isBase64Encoded,
  };
}

/** `data:` payloads of an SSE body, in order ("[DONE]" included as the string). */
export function sseData(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6));
}

/**
 * Module init of a bundle in a brand-new Node process (what a real cold start pays: Node's
 * own modules the bundle needs are not loaded yet), measured inside that process.
 */
export async function measureColdInitInFreshProcess(file: string, env: Record<string, string> = {}): Promise<number> {
  const script = [
    "globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };",
    "const t0 = performance.now();",
    `require(${JSON.stringify(resolve(file))});`,
    "process.stdout.write(JSON.stringify({ initMs: performance.now() - t0 }));",
  ].join("\n");
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, ["-e", script], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 }, (err, stdout) => {
      if (err) return reject(err);
      try {
        resolvePromise((JSON.parse(stdout) as { initMs: number }).initMs);
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}
