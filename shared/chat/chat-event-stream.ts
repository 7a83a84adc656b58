import { createParser } from "eventsource-parser";
import type { ChatCompletionChunk, Usage } from "../openai/chat-types";
import { BodyTooLargeError, releaseBody } from "../oci/http-transport";
import { MAX_ANSWER_BYTES, transportFailure } from "../oci/oci-inference-client";
import type { OciStreamTranslator } from "../oci/translate/oci-stream-translator";
import type { CallOutcome, Lease } from "../pool/types";

/**
 * How one front door writes a canonical chat stream on the wire (Chat Completions
 * chunks, Responses events, Messages events). Every method returns the bytes to send,
 * as text; "" sends nothing.
 */
export interface ChunkEncoder {
  /** Sent as soon as the stream opens, before the first upstream event (Responses: `response.created`). */
  start(): string;
  chunk(chunk: ChatCompletionChunk): string;
  /** Sent after `keepAliveMs` without output (an SSE comment, or Anthropic's `ping`). */
  keepAlive(): string;
  /** Ends a stream that finished. May wait (a store write) before its last bytes go out. */
  end(usage: Usage | undefined): string | Promise<string>;
  /**
   * Ends a stream with its error in-band: the upstream failed after the first byte (an
   * UpstreamFailure), or an answer committed early to keep it alive failed before its
   * first event (any error the request can end with).
   */
  fail(error: unknown): string;
}

export interface ChatEventStreamOptions {
  lease: Lease;
  translator: OciStreamTranslator;
  encoder: ChunkEncoder;
  /** Send a keep-alive after this long without output (0 = never). */
  keepAliveMs: number;
  /** How long to wait for the usage event after the finish event. */
  usageGraceMs?: number;
  /** Called once when the stream ends, however it ends. */
  onEnd?: (outcome: CallOutcome, usage: Usage | undefined) => void;
}

const TIMER = Symbol("timer");
const utf8 = new TextEncoder();

/**
 * Turns an OCI SSE body into the byte stream a client reads, through the front door's
 * {@link ChunkEncoder}. Pull-based, so a slow client slows the upstream read instead of
 * buffering; cancelling (the client went away) stops the upstream read and frees the
 * account's slot.
 *
 * Ends on the translator's `done` (finish + usage) rather than on upstream close,
 * because some models (Cohere) keep the stream open after their last event.
 *
 * @example
 *   const body = chatEventStream({ lease, translator, encoder: chatCompletionsEncoder, keepAliveMs: 15_000 });
 *   return new Response(body, { headers: SSE_HEADERS });
 */
export function chatEventStream(options: ChatEventStreamOptions): ReadableStream<Uint8Array> {
  const { lease, translator, encoder, keepAliveMs } = options;
  const usageGraceMs = options.usageGraceMs ?? 2_000;
  const body = lease.response.body;
  const upstream = body[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  const startedAt = performance.now();
  let out = encoder.start();
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  let ended = false;
  // Bytes read since the last complete event: bounds what the parser may buffer.
  let unparsedBytes = 0;

  const parser = createParser({
    onEvent(event) {
      unparsedBytes = 0;
      for (const chunk of translator.push(event.data)) out += encoder.chunk(chunk);
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

  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (const chunk of translator.finish()) out += encoder.chunk(chunk);
    // The account's work is done: release it before any wait of the encoder's own.
    end({ ok: true, latencyMs: performance.now() - startedAt });
    const tail = encoder.end(translator.usage);
    controller.enqueue(utf8.encode(out + (typeof tail === "string" ? tail : await tail)));
    out = "";
    controller.close();
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: unknown) => {
    const failure = transportFailure(err, "read");
    controller.enqueue(utf8.encode(out + encoder.fail(failure)));
    out = "";
    controller.close();
    end({ ok: false, failure });
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            if (translator.done) return await finish(controller);
            if (out) {
              controller.enqueue(utf8.encode(out));
              out = "";
              return;
            }
            pending ??= upstream.next();
            const waitMs = translator.finished ? usageGraceMs : keepAliveMs;
            const result = await raceTimer(pending, waitMs);
            if (result === TIMER) {
              if (translator.finished) return await finish(controller);
              controller.enqueue(utf8.encode(encoder.keepAlive()));
              return;
            }
            pending = undefined;
            if (result.done) return await finish(controller);
            unparsedBytes += result.value.length;
            if (unparsedBytes > MAX_ANSWER_BYTES) throw new BodyTooLargeError(MAX_ANSWER_BYTES);
            parser.feed(decoder.decode(result.value, { stream: true }));
          }
        } catch (err) {
          if (!ended) fail(controller, err);
          // The upstream part went fine; the encoder's own ending broke: cut the stream.
          else controller.error(err);
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
