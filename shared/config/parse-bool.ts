const TRUE = new Set(["true", "yes", "1"]);
const FALSE = new Set(["false", "no", "0"]);

/**
 * Parses a boolean setting (case-insensitive true/false, yes/no, 1/0).
 *
 * @example
 *   parseBool("Yes") // true
 *   parseBool("0")   // false
 * @throws Error with a short reason.
 */
export function parseBool(text: string): boolean {
  const input = text.trim().toLowerCase();
  if (TRUE.has(input)) return true;
  if (FALSE.has(input)) return false;
  throw new Error(`expected true/false, yes/no or 1/0, got "${text}"`);
}
