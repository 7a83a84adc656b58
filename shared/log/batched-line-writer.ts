/**
 * Writes log lines in batches: lines are collected for up to `maxDelayMs` (or until
 * `maxPendingChars`) and written in one call, in order, instead of one write per request
 * line. Whatever is pending is written when the process exits (normal exit, uncaught
 * error, process.exit()), so no line is lost.
 *
 * @example
 *   const logger = createLogger("text", batchedLineWriter(process.stdout));
 */
export function batchedLineWriter(stream: { write(text: string): unknown } = process.stdout, maxDelayMs = 25, maxPendingChars = 64 * 1024): (line: string) => void {
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === "") return;
    const text = pending;
    pending = "";
    stream.write(text);
  };
  process.once("exit", flush);
  return (line) => {
    pending += line;
    if (pending.length >= maxPendingChars) flush();
    // Unref'd: pending lines never keep the process alive (exit writes them).
    else timer ??= setTimeout(flush, maxDelayMs).unref();
  };
}
