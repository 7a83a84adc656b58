import http, { type IncomingMessage } from "node:http";
import https from "node:https";

/**
 * A minimal HTTP POST over Node's own keep-alive agents. Node's http client costs no
 * bundle bytes and no module-load time (undici, its alternative, is ~500 KB and ~45 ms
 * of cold start in a Lambda bundle), and the proxy only needs one verb.
 */
export interface PostOptions {
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed while the body is read. */
  bodyTimeoutMs: number;
}

export class HeadersTimeoutError extends Error {
  constructor() {
    super("no response headers within the time allowed");
    this.name = "HeadersTimeoutError";
  }
}

export class BodyTimeoutError extends Error {
  constructor() {
    super("the response body went silent for longer than allowed");
    this.name = "BodyTimeoutError";
  }
}

// One pool of kept-alive sockets per process, shared by every account's client. No cap on
// sockets: the account pool's limits decide what is in flight, and a request queued inside
// an agent would sit beyond the reach of those limits and of its own timeouts.
const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 256, scheduling: "lifo" as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/** Sends the request; resolves with the response once its headers are in (body unread). */
export function post(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<IncomingMessage> {
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      { method: "POST", headers, agent: secure ? httpsAgent : httpAgent, signal: options.signal },
      (response) => {
        clearTimeout(headersTimer);
        response.setTimeout(options.bodyTimeoutMs, () => response.destroy(new BodyTimeoutError()));
        resolve(response);
      },
    );
    const headersTimer = setTimeout(() => request.destroy(new HeadersTimeoutError()), options.headersTimeoutMs);
    request.once("error", (err) => {
      clearTimeout(headersTimer);
      reject(err);
    });
    request.end(body);
  });
}

/**
 * Lets go of a response whose useful part has been read. Draining to the end keeps the
 * socket for the next call (a new TLS handshake to OCI costs far more than the last few
 * bytes); a body still open after `graceMs` (Cohere streams stay open) is destroyed.
 */
export function releaseBody(body: IncomingMessage, graceMs = 1_000): void {
  if (body.complete || body.destroyed) return;
  const timer = setTimeout(() => body.destroy(), graceMs);
  body.once("end", () => clearTimeout(timer));
  body.once("error", () => clearTimeout(timer));
  body.resume();
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the response body is larger than ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads at most `limitBytes` of a body — checked against every byte as it arrives, so a
 * single large chunk cannot overshoot — and drops the connection if more was coming.
 *
 * @example
 *   const { bytes, truncated } = await readBodyPrefix(res, 16 * 1024);
 */
export async function readBodyPrefix(body: IncomingMessage, limitBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = limitBytes - size;
    if (chunk.length > room) {
      if (room > 0) parts.push(chunk.subarray(0, room));
      body.destroy();
      return { bytes: join(parts), truncated: true };
    }
    parts.push(chunk);
    size += chunk.length;
  }
  return { bytes: join(parts), truncated: false };
}

/**
 * Reads a whole body of at most `limitBytes`.
 *
 * @throws BodyTooLargeError past the limit (the connection is dropped, nothing more is buffered).
 */
export async function readBody(body: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const { bytes, truncated } = await readBodyPrefix(body, limitBytes);
  if (truncated) throw new BodyTooLargeError(limitBytes);
  return bytes;
}

function join(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
