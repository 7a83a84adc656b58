import { parseDuration } from "./parse-duration";

/**
 * parseDuration for settings where 0 makes no sense (timeouts, intervals, windows).
 *
 * @example
 *   parsePositiveDuration("60s") // 60000
 *   parsePositiveDuration("0s")  // throws: must be greater than 0, got "0s"
 * @throws Error with a short reason.
 */
export function parsePositiveDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms <= 0) throw new Error(`must be greater than 0, got "${text}"`);
  return ms;
}
