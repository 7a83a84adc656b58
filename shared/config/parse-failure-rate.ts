/**
 * Parses the circuit breaker's failure-rate threshold: a fraction in (0, 1].
 *
 * @example
 *   parseFailureRate("0.6") // 0.6
 * @throws Error with a short reason.
 */
export function parseFailureRate(text: string): number {
  const input = text.trim();
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(input) ? Number(input) : NaN;
  if (!(value > 0 && value <= 1)) {
    throw new Error(`expected a number greater than 0 and at most 1, got "${text}"`);
  }
  return value;
}
