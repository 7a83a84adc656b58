import { Agent, errors as undiciErrors, request, type Dispatcher } from "undici";
import type { RequestSigner } from "./request-signer";
import { classifyStatus, parseRetryAfter, UpstreamFailure } from "./upstream-failure";

const CHAT_PATH = "/20231130/actions/chat";
const EMBED_PATH = "/20231130/actions/embedText";
const MAX_ERROR_BODY = 64 * 1024;

export interface CallOptions {
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed while reading the body. */
  bodyTimeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  opcRequestId?: string;
  /** True for `text/event-stream` answers (stream requests). */
  isEventStream: boolean;
  body: Dispatcher.ResponseData["body"];
}

/** One keep-alive connection pool per process, shared by every account's client. */
let sharedAgent: Agent | undefined;
export function sharedDispatcher(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000, connections: 256 });
  return sharedAgent;
}

/**
 * A lean client for the inference API: signs with {@link RequestSigner} and sends over a
 * pooled undici dispatcher. Unlike the SDK's client it exposes response headers
 * (Retry-After on 429) and never retries: the account pool owns retries.
 *
 * @example
 *   const res = await client.chat(JSON.stringify(chatDetails), { headersTimeoutMs: 60_000, bodyTimeoutMs: 120_000 });
 */
export class OciInferenceClient {
  constructor(
    readonly baseUrl: string,
    private readonly signer: RequestSigner,
    private readonly dispatcher: Dispatcher = sharedDispatcher(),
  ) {}

  chat(body: string, options: CallOptions): Promise<UpstreamResponse> {
    return this.post(CHAT_PATH, body, options);
  }

  embedText(body: string, options: CallOptions): Promise<UpstreamResponse> {
    return this.post(EMBED_PATH, body, options);
  }

  private async post(path: string, body: string, options: CallOptions): Promise<UpstreamResponse> {
    const url = new URL(this.baseUrl + path);
    const headers = await this.signer.sign("POST", url, body);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: "POST",
        headers,
        body,
        signal: options.signal,
        dispatcher: this.dispatcher,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      });
    } catch (err) {
      throw transportFailure(err);
    }
    const opcRequestId = headerValue(res.headers["opc-request-id"]);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const contentType = headerValue(res.headers["content-type"]) ?? "";
      return { status: res.statusCode, opcRequestId, isEventStream: contentType.startsWith("text/event-stream"), body: res.body };
    }
    throw await httpFailure(res, opcRequestId);
  }
}

async function httpFailure(res: Dispatcher.ResponseData, opcRequestId: string | undefined): Promise<UpstreamFailure> {
  let code: string | undefined;
  let message = `OCI answered HTTP ${res.statusCode}`;
  try {
    const text = await readBounded(res.body, MAX_ERROR_BODY);
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === "string") code = parsed.code;
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // Not JSON (e.g. a load balancer's HTML page): keep the generic message.
  }
  return new UpstreamFailure(classifyStatus(res.statusCode, code), message, {
    status: res.statusCode,
    code,
    opcRequestId,
    retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
  });
}

function transportFailure(err: unknown): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamFailure("timeout", "OCI did not answer in time");
  }
  const message = err instanceof Error ? err.message : String(err);
  return new UpstreamFailure("network", `could not reach OCI: ${message}`);
}

async function readBounded(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(parts).toString("utf8");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Maps errors thrown while reading a streamed body to a failure kind. */
export function bodyReadFailure(err: unknown): UpstreamFailure {
  return transportFailure(err);
}
