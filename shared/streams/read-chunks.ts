import type { Readable } from "node:stream";

/** The error a stream that closed before its end is read with (as `for await` gives it). */
export class PrematureCloseError extends Error {
  readonly code = "ERR_STREAM_PREMATURE_CLOSE";
  constructor() {
    super("Premature close");
    this.name = "PrematureCloseError";
  }
}

/**
 * Reads a Node stream chunk by chunk with plain listeners: the outcome of
 * `for await (const chunk of stream)` without an async iterator and a promise per chunk
 * (a request body and an answer body are read on every request). `take` returns false to
 * stop early; the stream is then paused, for the caller to destroy or drain.
 *
 * @returns true when the stream ended, false when `take` stopped it.
 * @throws the stream's error, or PrematureCloseError if it closed before its end.
 *
 * @example
 *   const parts: Buffer[] = [];
 *   await readChunks(response, (chunk) => (parts.push(chunk), true));
 */
export function readChunks(stream: Readable, take: (chunk: Buffer) => boolean): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (stream.readableEnded) return resolve(true);
    if (stream.destroyed) return reject(stream.errored ?? new PrematureCloseError());
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      if (take(chunk)) return;
      cleanup();
      stream.pause();
      resolve(false);
    };
    const onEnd = () => {
      cleanup();
      resolve(true);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // Destroyed without an error or an end: settle rather than hang.
    const onClose = () => {
      cleanup();
      if (stream.readableEnded) resolve(true);
      else reject(stream.errored ?? new PrematureCloseError());
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}
