import type { LogFields, Logger } from "../log/logger";

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
    this.fields = { method, path };
  }

  finish(extra?: LogFields): void {
    if (this.done) return;
    this.done = true;
    const status = Number(this.fields.status ?? 0);
    const line = { ...this.fields, ...extra, latency_ms: Math.round((performance.now() - this.startedAt) * 10) / 10 };
    if (status >= 500) this.logger.error("request", line);
    else this.logger.info("request", line);
  }
}
