import type { IncomingMessage } from "node:http";
import { clip } from "../openai/clip";
import { BodyTimeoutError, BodyTooLargeError, HeadersTimeoutError, post, readBodyPrefix } from "./http-transport";
import type { RequestSigner } from "./request-signer";
import { classifyStatus, parseRetryAfter, UpstreamFailure } from "./upstream-failure";

const CHAT_PATH = "/20231130/actions/chat";
const EMBED_PATH = "/20231130/actions/embedText";
/** Enough for any real OCI error document; a larger one is not read further. */
const MAX_ERROR_BODY = 16 * 1024;
/** OCI's error message as passed to clients and logs. */
const MAX_ERROR_MESSAGE = 2_000;
/**
 * Bound on a successful answer read whole (a chat answer, an embedding batch) and on one
 * stream event: far above real ones (96 embeddings of 1,536 floats ≈ 3 MB), far below harm.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

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
    const parsed = parseErrorDocument((await readBodyPrefix(res, MAX_ERROR_BODY)).bytes.toString("utf8"));
    if (parsed.code !== undefined) code = clip(parsed.code, 100);
    if (parsed.message !== undefined) message = clip(parsed.message, MAX_ERROR_MESSAGE);
  } catch {
    // The body broke off: keep the generic message.
  }
  return new UpstreamFailure(classifyStatus(status, code), message, {
    status,
    code,
    opcRequestId,
    retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
  });
}

/**
 * OCI's `{code, message}`. A document cut at MAX_ERROR_BODY is not JSON any more: its
 * fields are then picked out of the text that did arrive. Anything else (a load balancer's
 * HTML page) gives nothing.
 */
function parseErrorDocument(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    return { code: stringOrUndefined(parsed?.code), message: stringOrUndefined(parsed?.message) };
  } catch {
    return { code: stringField(text, "code"), message: stringField(text, "message") };
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A JSON string field's value from possibly truncated JSON text (its end may be missing). */
function stringField(text: string, name: "code" | "message"): string | undefined {
  const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)`).exec(text);
  if (!match) return undefined;
  try {
    // Drop an escape the cut left unfinished, then let JSON unescape the rest.
    return JSON.parse(`"${match[1].replace(/\\(u[0-9a-fA-F]{0,3})?$/, "")}"`) as string;
  } catch {
    return undefined;
  }
}

/**
 * Classifies what a call threw: timeout, network, or an answer over {@link MAX_ANSWER_BYTES}.
 *
 * @param phase "send" until the response headers are in; "read" while its body is read
 *   (a connection lost then is a dropped answer, not an unreachable OCI).
 */
export function transportFailure(err: unknown, phase: "send" | "read" = "send"): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (err instanceof HeadersTimeoutError || err instanceof BodyTimeoutError) {
    return new UpstreamFailure("timeout", "OCI did not answer in time");
  }
  if (err instanceof BodyTooLargeError) {
    return new UpstreamFailure("protocol", `OCI's answer is larger than ${err.limitBytes / 1024 / 1024} MiB, the proxy's bound`, { requestCaused: true });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (phase === "read") return new UpstreamFailure("network", `the connection to OCI dropped in the middle of the answer (${message})`);
  return new UpstreamFailure("network", `could not reach OCI: ${message}`);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
