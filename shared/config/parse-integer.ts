/**
 * Parses a whole number that must be at least `min` (1 for counts like weight, 0 where
 * 0 means "unlimited"). Rejects "1.5", "10k" and the like instead of truncating them.
 *
 * @example
 *   parseInteger("50", 0)  // 50
 *   parseInteger("0", 1)   // throws: expected a positive integer, got "0"
 *   parseInteger("2000000", 1, 1_000_000) // throws: expected at most 1000000, got 2000000
 * @throws Error with a short reason.
 */
export function parseInteger(text: string, min: 0 | 1, max = Number.MAX_SAFE_INTEGER): number {
  const input = text.trim();
  const value = /^\+?\d+$/.test(input) ? Number(input) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    const kind = min === 1 ? "a positive integer" : "a non-negative integer";
    throw new Error(`expected ${kind}, got "${text}"`);
  }
  if (value > max) throw new Error(`expected at most ${max}, got ${value}`);
  return value;
}
