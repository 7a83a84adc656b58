import type { Context } from "hono";
import { KEEP_ALIVE_COMMENT, SSE_HEADERS } from "../chat/sse";
import { errorResponse } from "./error-response";
import { requestJsonOf } from "./read-json-body";
import type { RequestLog } from "./request-log";

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

const encoder = new TextEncoder();
const JSON_PADDING = encoder.encode(" ");
const SSE_PADDING = encoder.encode(KEEP_ALIVE_COMMENT);

type Handler<C extends Context> = (c: C) => Response | Promise<Response>;

/**
 * Wraps route handlers so a slow answer keeps its connection alive through gateways that
 * cut idle responses. An answer ready within `afterMs` passes untouched, status and all
 * (and a handler error goes to the app's error handler as usual). After that the response
 * is committed as 200 and padded until the answer exists: spaces before a JSON body (JSON
 * allows leading whitespace, so clients parse it as usual) or `: keep-alive` comments
 * before an SSE body (when the request asked for `stream: true`, every front door's flag).
 * An answer that fails after the commit arrives in its API's error shape in the body: the
 * JSON error object, or a final `data:` error event, like any stream that fails after its
 * first byte. The request log keeps the real status. Without a policy, handlers are
 * returned as they are.
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
      const first = await Promise.race([answer, slow]);
      clearTimeout(timer);
      if (first) return first;
      return paddedResponse(c, answer.catch((err: unknown) => failureResponse(c, err)), policy.everyMs);
    };
  };
}

/** What the app's error handler would have answered (a 5xx keeps its reason in the log). */
function failureResponse(c: Context, err: unknown): Response {
  const res = errorResponse(err);
  const log = c.get("requestLog") as RequestLog | undefined;
  if (res.status >= 500 && log) log.fields.error = (err as Error).message;
  return res;
}

function paddedResponse(c: Context, answered: Promise<Response>, everyMs: number): Response {
  const sse = (requestJsonOf(c) as { stream?: unknown } | undefined)?.stream === true;
  const log = c.get("requestLog") as RequestLog | undefined;
  if (log) log.deferred = true;
  let pad: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const padding = sse ? SSE_PADDING : JSON_PADDING;
      controller.enqueue(padding);
      pad = setInterval(() => controller.enqueue(padding), everyMs);
      const answer = await answered;
      clearInterval(pad);
      if (log) Object.assign(log.fields, { status: answer.status, padded: true });
      try {
        if (answer.ok || !sse) {
          if (answer.body) for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) controller.enqueue(chunk);
        } else {
          controller.enqueue(encoder.encode(`data: ${(await answer.text()).trim()}\n\n`));
        }
        controller.close();
      } catch (err) {
        controller.error(err);
      } finally {
        log?.finish();
      }
    },
    cancel() {
      clearInterval(pad);
    },
  });
  return new Response(body, { status: 200, headers: sse ? SSE_HEADERS : { "content-type": "application/json" } });
}
