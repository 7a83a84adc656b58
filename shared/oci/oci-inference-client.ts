import type { IncomingMessage } from "node:http";
import { BodyTimeoutError, HeadersTimeoutError, post, readBody } from "./http-transport";
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
  /** The unread body: a stream of Buffers (read it to the end, or destroy it). */
  body: IncomingMessage;
}

/**
 * A lean client for the inference API: signs with {@link RequestSigner} and sends over
 * Node's keep-alive agents. Unlike the SDK's client it exposes response headers
 * (Retry-After on 429) and never retries: the account pool owns retries.
 *
 * @example
 *   const res = await client.chat(JSON.stringify(chatDetails), { headersTimeoutMs: 60_000, bodyTimeoutMs: 120_000 });
 */
export class OciInferenceClient {
  private readonly chatUrl: URL;
  private readonly embedUrl: URL;

  constructor(
    readonly baseUrl: string,
    private readonly signer: RequestSigner,
  ) {
    this.chatUrl = new URL(baseUrl + CHAT_PATH);
    this.embedUrl = new URL(baseUrl + EMBED_PATH);
  }

  chat(body: string, options: CallOptions): Promise<UpstreamResponse> {
    return this.post(this.chatUrl, body, options);
  }

  embedText(body: string, options: CallOptions): Promise<UpstreamResponse> {
    return this.post(this.embedUrl, body, options);
  }

  private async post(url: URL, body: string, options: CallOptions): Promise<UpstreamResponse> {
    const headers = await this.signer.sign("POST", url, body);
    let res: IncomingMessage;
    try {
      res = await post(url, headers, body, options);
    } catch (err) {
      throw transportFailure(err);
    }
    const status = res.statusCode ?? 0;
    const opcRequestId = headerValue(res.headers["opc-request-id"]);
    if (status >= 200 && status < 300) {
      const contentType = res.headers["content-type"] ?? "";
      return { status, opcRequestId, isEventStream: contentType.startsWith("text/event-stream"), body: res };
    }
    throw await httpFailure(res, status, opcRequestId);
  }
}

async function httpFailure(res: IncomingMessage, status: number, opcRequestId: string | undefined): Promise<UpstreamFailure> {
  let code: string | undefined;
  let message = `OCI answered HTTP ${status}`;
  try {
    const text = (await readBody(res, MAX_ERROR_BODY)).toString("utf8");
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === "string") code = parsed.code;
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // Not JSON (e.g. a load balancer's HTML page): keep the generic message.
  }
  return new UpstreamFailure(classifyStatus(status, code), message, {
    status,
    code,
    opcRequestId,
    retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
  });
}

/** Classifies what a call threw (sending, or reading its body later): timeout or network. */
export function transportFailure(err: unknown): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (err instanceof HeadersTimeoutError || err instanceof BodyTimeoutError) {
    return new UpstreamFailure("timeout", "OCI did not answer in time");
  }
  const message = err instanceof Error ? err.message : String(err);
  return new UpstreamFailure("network", `could not reach OCI: ${message}`);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
