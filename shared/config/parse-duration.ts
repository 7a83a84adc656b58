/** Units accepted in durations, in milliseconds (the subset of Go's time.ParseDuration the original used). */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const HINT = "expected a duration such as 30s, 5m, 1h, 250ms or 1m30s";
/** Node timers fire at once (with a warning) beyond 2^31-1 ms, about 596 hours. */
const MAX_MS = 2 ** 31 - 1;

/**
 * Parses a config duration into milliseconds. A bare number means seconds, because that is
 * what people write for timeouts when they forget the unit.
 *
 * @example
 *   parseDuration("1m30s") // 90000
 *   parseDuration("250ms") // 250
 *   parseDuration("15")    // 15000
 * @throws Error with a short reason (the caller adds file, section and key).
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  let total = 0;
  if (/^\d+(\.\d+)?$/.test(input)) {
    total = Number(input) * 1000;
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(input)) {
    // A run of <number><unit> parts, e.g. "1h30m" or "1.5s".
    for (const [, amount, , unit] of input.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  } else {
    throw new Error(`${HINT}, got "${text}"`);
  }
  if (total > MAX_MS) throw new Error(`must be at most 596h, got "${text}"`);
  return Math.round(total);
}
