import type { LogFields, Logger } from "../log/logger";
import { clip } from "../openai/clip";
import { ClientClosedRequestError } from "../openai/errors";
import type { CallOutcome } from "../pool/types";

/**
 * The one log line of a request. Streaming responses outlive their handler, so a handler
 * can mark the line `deferred` and finish it when the stream ends.
 */
export class RequestLog {
  readonly fields: LogFields;
  deferred = false;
  private done = false;
  private readonly startedAt = performance.now();

  constructor(
    private readonly logger: Logger,
    method: string,
    path: string,
  ) {
    // The path is client text (up to Node's 16 KB header limit): log its start only.
    this.fields = { method, path: clip(path, 256) };
  }

  /**
   * Records why the request ended in an error: a client that left is "cancelled" (with the
   * stage it left at), not a failure; a 5xx keeps its cause, which the client never sees.
   */
  noteError(err: Error, status: number): void {
    if (err instanceof ClientClosedRequestError) {
      this.fields.outcome = "cancelled";
      this.fields.cancelled_at = err.stage;
    } else if (status >= 500) {
      this.fields.error = err.message;
    }
  }

  /**
   * Finishes a streamed request's line with how its upstream call ended: ok, cancelled (the
   * client left, or shutdown cut it), or upstream_error with the cause.
   *
   * @example
   *   chatEventStream({ ..., onEnd: (outcome, usage) => log.finishCall(outcome, usage) })
   */
  finishCall(outcome: CallOutcome, usage?: { prompt_tokens: number; completion_tokens: number }): void {
    this.finish({
      outcome: outcome.ok === true ? "ok" : outcome.ok === false ? "upstream_error" : "cancelled",
      error: outcome.ok === false ? outcome.failure.message : undefined,
      prompt_tokens: usage?.prompt_tokens,
      completion_tokens: usage?.completion_tokens,
    });
  }

  finish(extra?: LogFields): void {
    if (this.done) return;
    this.done = true;
    const status = Number(this.fields.status ?? 0);
    const line: LogFields = { ...this.fields, ...extra, latency_ms: Math.round((performance.now() - this.startedAt) * 10) / 10 };
    // A stream that failed after its 200 went out is as much an error as a 502.
    if (status >= 500 || line.outcome === "upstream_error") this.logger.error("request", line);
    else this.logger.info("request", line);
  }
}
