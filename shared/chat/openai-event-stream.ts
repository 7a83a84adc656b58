import { createParser } from "eventsource-parser";
import type { Usage } from "../openai/chat-types";
import { releaseBody } from "../oci/http-transport";
import { BodyTooLargeError } from "../oci/http-transport";
import { MAX_ANSWER_BYTES, transportFailure } from "../oci/oci-inference-client";
import type { OciStreamTranslator } from "../oci/translate/oci-stream-translator";
import { upstreamFailureToOpenAI } from "../http/upstream-failure-to-openai";
import type { CallOutcome, Lease } from "../pool/types";
import { DONE_EVENT, KEEP_ALIVE_COMMENT, dataEvent, errorEvent } from "./sse";

export interface EventStreamOptions {
  lease: Lease;
  translator: OciStreamTranslator;
  /** Send `: keep-alive` after this long without output (0 = never). */
  keepAliveMs: number;
  /** How long to wait for the usage event after the finish event. */
  usageGraceMs?: number;
  /** Called once when the stream ends, however it ends. */
  onEnd?: (outcome: CallOutcome, usage: Usage | undefined) => void;
}

const TIMER = Symbol("timer");
const encoder = new TextEncoder();

/**
 * Turns an OCI SSE body into the OpenAI SSE byte stream a client reads. Pull-based, so
 * a slow client slows the upstream read instead of buffering; cancelling (the client
 * went away) stops the upstream read and frees the account's slot.
 *
 * Ends on the translator's `done` (finish + usage) rather than on upstream close,
 * because some models (Cohere) keep the stream open after their last event.
 */
export function openAIEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { lease, translator, keepAliveMs } = options;
  const usageGraceMs = options.usageGraceMs ?? 2_000;
  const body = lease.response.body;
  const upstream = body[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  const startedAt = performance.now();
  let out = "";
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  let ended = false;
  // Bytes read since the last complete event: bounds what the parser may buffer.
  let unparsedBytes = 0;

  const parser = createParser({
    onEvent(event) {
      unparsedBytes = 0;
      for (const chunk of translator.push(event.data)) out += dataEvent(chunk);
    },
  });

  const end = (outcome: CallOutcome) => {
    if (ended) return;
    ended = true;
    // Finished normally: drain the rest so the connection can be reused. Otherwise the
    // upstream may still be generating for nobody: cut it off.
    if (outcome.ok === true) releaseBody(body);
    else body.destroy();
    // The pool records a failure caused by the client leaving as "cancelled": log that.
    options.onEnd?.(lease.release(outcome), translator.usage);
  };

  const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (const chunk of translator.finish()) out += dataEvent(chunk);
    controller.enqueue(encoder.encode(out + DONE_EVENT));
    out = "";
    controller.close();
    end({ ok: true, latencyMs: performance.now() - startedAt });
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: unknown) => {
    const failure = transportFailure(err, "read");
    controller.enqueue(encoder.encode(out + errorEvent(upstreamFailureToOpenAI(failure).toJSON())));
    out = "";
    controller.close();
    end({ ok: false, failure });
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            if (translator.done) return finish(controller);
            pending ??= upstream.next();
            const waitMs = translator.finished ? usageGraceMs : keepAliveMs;
            const result = await raceTimer(pending, waitMs);
            if (result === TIMER) {
              if (translator.finished) return finish(controller);
              controller.enqueue(encoder.encode(KEEP_ALIVE_COMMENT));
              return;
            }
            pending = undefined;
            if (result.done) return finish(controller);
            unparsedBytes += result.value.length;
            if (unparsedBytes > MAX_ANSWER_BYTES) throw new BodyTooLargeError(MAX_ANSWER_BYTES);
            parser.feed(decoder.decode(result.value, { stream: true }));
            if (translator.done) return finish(controller);
            if (out) {
              controller.enqueue(encoder.encode(out));
              out = "";
              return;
            }
          }
        } catch (err) {
          fail(controller, err);
        }
      },
      cancel() {
        end({ ok: "cancelled" });
      },
    },
    // Nothing is buffered ahead of what the client reads.
    { highWaterMark: 0 },
  );
}

function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMER> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout;
  const timeout = new Promise<typeof TIMER>((resolve) => {
    timer = setTimeout(resolve, ms, TIMER);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
