import type { Context } from "hono";
import type { ChunkEncoder } from "../chat/chat-event-stream";
import { requestJsonOf } from "./read-json-body";
import { renderError } from "./render-error";
import type { RequestLog } from "./request-log";
import { KEEP_ALIVE_COMMENT, SSE_HEADERS } from "./sse";

export interface SlowAnswerPolicy {
  /** How long an answer may keep the client waiting with no byte before the response is committed. */
  afterMs: number;
  /** Once committed, the gap between padding bytes. */
  everyMs: number;
}

/**
 * AWS API Gateway REST streaming closes a response that sends nothing for 5 minutes, and a
 * non-streamed answer (or force_non_stream) sends nothing until OCI has generated all of it.
 * Commit at 4 minutes, then pad every 30 s: well inside the idle limit.
 */
export const API_GATEWAY_STREAMING_POLICY: SlowAnswerPolicy = { afterMs: 240_000, everyMs: 30_000 };

/** The bits of a front door's stream encoder a padded stream needs. */
type StreamPadding = Pick<ChunkEncoder, "start" | "keepAlive" | "fail">;

const STREAM_ENCODER = "streamEncoder";
const utf8 = new TextEncoder();

/**
 * Tells keepSlowAnswersAlive how this request's stream pads and fails: with the front
 * door's own encoder (Anthropic's `ping`s, a Responses `response.failed`), so a stream
 * committed before its answer existed still reads as that API's stream.
 *
 * @example
 *   const encoder = output.encoder();
 *   padStreamWith(c, encoder);
 */
export function padStreamWith(c: Context, encoder: StreamPadding): void {
  c.set(STREAM_ENCODER, encoder);
}

type Handler<C extends Context> = (c: C) => Response | Promise<Response>;

/**
 * Wraps route handlers so a slow answer keeps its connection alive through gateways that
 * cut idle responses. An answer ready within `afterMs` passes untouched, status and all
 * (and a handler error goes to the app's error handler as usual). After that the response
 * is committed as 200 and padded until the answer exists: spaces before a JSON body (JSON
 * allows leading whitespace, so clients parse it as usual), or, when the request asked
 * for `stream: true`, the front door's keep-alive (see {@link padStreamWith}; else
 * `: keep-alive` comments) before an SSE body. An answer that fails after the commit
 * arrives in its API's error shape in the body: the JSON error object, or the door's
 * in-band stream failure, like any stream that fails after its first byte. The request
 * log keeps the real status. Without a policy, handlers are returned as they are.
 *
 * @example
 *   const slow = keepSlowAnswersAlive(API_GATEWAY_STREAMING_POLICY);
 *   app.post("/v1/chat/completions", auth, slow(chat));
 */
export function keepSlowAnswersAlive(policy: SlowAnswerPolicy | undefined) {
  return <C extends Context>(handler: Handler<C>): Handler<C> => {
    if (!policy) return handler;
    return async (c) => {
      const answer = Promise.resolve().then(() => handler(c));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const slow = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), policy.afterMs);
      });
      let first: Response | undefined;
      try {
        first = await Promise.race([answer, slow]);
      } finally {
        // Also when the handler failed: a live timer would hold the request for `afterMs`.
        clearTimeout(timer);
      }
      if (first) return first;
      return paddedResponse(c, answer, policy.everyMs);
    };
  };
}

/**
 * What a handler that failed after the commit sends: the app's error response (its status
 * goes to the log), or on a stream the door's in-band failure (no door known: the error
 * object as a `data:` event, as OpenAI clients read it).
 */
async function failureBody(c: Context, err: unknown, sse: boolean, encoder: StreamPadding | undefined): Promise<{ status: number; body: string }> {
  const res = renderError(c, err);
  (c.get("requestLog") as RequestLog | undefined)?.noteError(err as Error, res.status);
  if (!sse) return { status: res.status, body: await res.text() };
  if (encoder) return { status: res.status, body: encoder.start() + encoder.fail(err) };
  return { status: res.status, body: `data: ${(await res.text()).trim()}\n\n` };
}

function paddedResponse(c: Context, answer: Promise<Response>, everyMs: number): Response {
  const encoder = c.get(STREAM_ENCODER) as StreamPadding | undefined;
  const sse = encoder !== undefined || (requestJsonOf(c) as { stream?: unknown } | undefined)?.stream === true;
  const log = c.get("requestLog") as RequestLog | undefined;
  if (log) log.deferred = true;
  let pad: ReturnType<typeof setInterval> | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const padding = utf8.encode(encoder ? encoder.keepAlive() : sse ? KEEP_ALIVE_COMMENT : " ");
      controller.enqueue(padding);
      pad = setInterval(() => controller.enqueue(padding), everyMs);
      try {
        let tail: string | undefined;
        try {
          const res = await answer;
          if (log) Object.assign(log.fields, { status: res.status, padded: true });
          reader = res.body?.getReader();
        } catch (err) {
          const failed = await failureBody(c, err, sse, encoder);
          if (log) Object.assign(log.fields, { status: failed.status, padded: true });
          tail = failed.body;
        }
        clearInterval(pad);
        // The client left while the answer was prepared: free what it holds (a stream's lease).
        if (cancelled) return void (await reader?.cancel());
        if (tail !== undefined) controller.enqueue(utf8.encode(tail));
        for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) controller.enqueue(read.value);
        controller.close();
      } catch (err) {
        controller.error(err);
      } finally {
        clearInterval(pad);
        log?.finish();
      }
    },
    async cancel(reason) {
      cancelled = true;
      clearInterval(pad);
      await reader?.cancel(reason);
    },
  });
  return new Response(body, { status: 200, headers: sse ? SSE_HEADERS : { "content-type": "application/json" } });
}
